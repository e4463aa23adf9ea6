import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { resetConfig } from '../../../functions/lib/config';
import { onceRecord } from '../../../functions/lib/once-record';

/** The key Powertools itself derives for a payload under a prefix (its own sort and hash). */
function powertoolsKey(keyPrefix: string, payload: unknown): string {
  const layer = new DynamoDBPersistenceLayer({ tableName: 'unused', awsSdkV3Client: new DynamoDBClient({}) });
  layer.configure({ config: new IdempotencyConfig({}), keyPrefix });
  // Protected in its types; the method every Powertools-written record is keyed with.
  return (layer as unknown as { getHashedIdempotencyKey(data: unknown): string }).getHashedIdempotencyKey(payload);
}

describe('onceRecord', () => {
  beforeAll(() => {
    process.env.TABLE_NAME ??= 'weapp-fleet-test';
    process.env.WECHAT_COMPONENT_APPID ??= 'wx0000000000000001';
    resetConfig();
  });
  afterAll(() => resetConfig());

  it('keys a payload whose keys differ only in case as Powertools does', () => {
    // A case-sensitive sort puts `Zeta` before `alpha`; Powertools puts `alpha` first.
    const payload = { appId: 'wx00000000000000aa', push: { Zeta: 1, alpha: { Beta: [{ b: 1, A: 2 }], alpha: true }, MsgType: 'event', event: 'x' } };
    const key = onceRecord('authorizer-push', payload).key;
    expect(key).toBe(powertoolsKey('authorizer-push', payload));
    expect(onceRecord('authorizer-push', { push: { MsgType: 'event', event: 'x', alpha: { alpha: true, Beta: [{ A: 2, b: 1 }] }, Zeta: 1 }, appId: 'wx00000000000000aa' }).key).toBe(key);
  });

  it('keys a payload holding keys equal but for case as Powertools does', () => {
    const payload = { id: 1, Id: 2, ID: 3, nested: { ToUserName: 'a', touserName: 'b' } };
    expect(onceRecord('authorizer-push', payload).key).toBe(powertoolsKey('authorizer-push', payload));
  });

  it('keys a plain payload as Powertools does', () => {
    const payload = { b: 2, a: [3, { d: 1, c: null }] };
    expect(onceRecord('p', payload).key).toBe(powertoolsKey('p', payload));
  });
});
