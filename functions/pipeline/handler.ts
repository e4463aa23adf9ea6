import type { Context } from 'aws-lambda';
import { observeInvocation } from '../lib/observability/invocation';
import { componentServices, enableTokenKey, platformStores } from '../lib/platform';
import { classify } from '../lib/release/step-errors';
import { STEPS, type StepInput } from '../lib/release/steps';
import { configuredTokenKey } from '../lib/crypto-at-rest/configured-key';

// This function uses merchant tokens (manifest `tokenKey`), so it takes the token key.
enableTokenKey(configuredTokenKey);

/**
 * The release state machine's Lambda task: one entry, dispatching on `step`, so every step
 * shares one deployment and one set of permissions. The steps live in lib/release.
 */
export const handler = async (input: StepInput, context?: Context): Promise<Record<string, unknown>> =>
  observeInvocation(context, { releaseId: input.releaseId, authorizerAppId: input.appId, step: input.step }, async () => {
    const step = STEPS[input.step];
    if (!step) throw new Error(`unknown pipeline step ${input.step}`);
    const { releases, audits } = platformStores();
    try {
      return await step(input, { releases, audits, miniPrograms: async () => (await componentServices()).miniPrograms });
    } catch (error) {
      throw classify(error);
    }
  });
