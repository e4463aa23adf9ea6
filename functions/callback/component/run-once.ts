import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { dynamoClient } from '../../lib/aws/dynamodb';
import { idempotencyPersistence, pushIdempotencyConfig } from '../../lib/idempotency';
import type { ComponentPushBase } from '../../lib/wechat/component-push';
import type { PushContext } from './push-context';

/*
 * Powertools idempotency (and jmespath): loaded by the router on the first push that must
 * take effect once, never by the ticket push.
 */

export type PushHandler = (push: unknown, context: PushContext) => Promise<void>;

let onceHandler: ((push: ComponentPushBase, handle: PushHandler, context: PushContext) => Promise<true>) | undefined;

/**
 * Runs `handle` once per distinct push, however often WeChat delivers it: Powertools
 * idempotency keyed on the decrypted push (argument 0) alone.
 */
export function runOnce(push: ComponentPushBase, handle: PushHandler, context: PushContext): Promise<true> {
  if (!onceHandler) {
    const config = pushIdempotencyConfig();
    const idempotent = makeIdempotent(
      async (p: ComponentPushBase, h: PushHandler, c: PushContext): Promise<true> => {
        await h(p, c);
        return true;
      },
      { persistenceStore: idempotencyPersistence(dynamoClient()), config, keyPrefix: 'component-push', dataIndexArgument: 0 },
    );
    onceHandler = (p, h, c) => {
      if (c.context) config.registerLambdaContext(c.context);
      return idempotent(p, h, c);
    };
  }
  return onceHandler(push, handle, context);
}
