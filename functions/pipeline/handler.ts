import type { Context } from 'aws-lambda';
import { observeInvocation } from '../lib/observability/invocation';
import { auditStore } from '../lib/composition/stores/audit';
import { releaseStore } from '../lib/composition/stores/release';
import { enableTokenKey } from '../lib/composition/token-key';
import { miniProgramService } from '../lib/composition/weapp-services';
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
    try {
      return await step(input, { releases: releaseStore(), audits: auditStore(), miniPrograms: () => miniProgramService() });
    } catch (error) {
      throw classify(error);
    }
  });
