import { SFNClient } from '@aws-sdk/client-sfn';
import { config } from '../config';
import { resettableClient } from './client-reset';

/**
 * The Step Functions client, apart from clients.ts so that a function which only sometimes
 * resumes a release (authorizerEvents on an awaited audit push, pipelineStep when the push came
 * before the task token) can load it with `await import()`; adminReleases imports it directly.
 * Built from configuration (`STEPFUNCTIONS_ENDPOINT` → the local runner).
 */
export const sfnClient = resettableClient(() => {
  const { STEPFUNCTIONS_ENDPOINT, AWS_REGION } = config();
  return new SFNClient({ region: AWS_REGION, ...(STEPFUNCTIONS_ENDPOINT ? { endpoint: STEPFUNCTIONS_ENDPOINT } : {}) });
});
