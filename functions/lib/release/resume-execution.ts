import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { sfnClient } from '../aws/sfn';

/**
 * Completes a release execution's WaitForAudit task with the audit's status. Its own module,
 * loaded with `await import()` by steps.ts, so the Step Functions client is not part of the cold
 * start of authorizerEvents or pipelineStep, which resume an execution only on some calls.
 */
export async function completeAuditWait(taskToken: string, status: 'passed' | 'rejected'): Promise<void> {
  await sfnClient().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ status }) }));
}
