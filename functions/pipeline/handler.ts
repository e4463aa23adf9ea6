import type { Context } from 'aws-lambda';
import { observeInvocation } from '../lib/observability/invocation';
import { componentServices, platformStores } from '../lib/platform';
import { classify, STEPS, type StepInput } from './steps';

/**
 * The release state machine's Lambda task: one entry, dispatching on `step`, so every step
 * shares one deployment and one set of permissions.
 */
export const handler = async (input: StepInput, context?: Context): Promise<Record<string, unknown>> =>
  observeInvocation(context, { releaseId: input.releaseId, authorizerAppId: input.appId, step: input.step }, async () => {
    const step = STEPS[input.step];
    if (!step) throw new Error(`unknown pipeline step ${input.step}`);
    try {
      return await step(input, { stores: platformStores(), services: componentServices });
    } catch (error) {
      throw classify(error);
    }
  });
