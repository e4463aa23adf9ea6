import { DescribeExecutionCommand, SFNClient, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import type { ExecutionEvent, LocalStateMachine } from '../../../local/stepfunctions';
import { sleep, waitFor } from '../../helpers/wait';

export const ACCOUNT = '000000000000';
export const stateMachineArn = (name: string): string => `arn:aws:states:local:${ACCOUNT}:stateMachine:${name}`;
export const functionArn = (name: string): string => `arn:aws:lambda:local:${ACCOUNT}:function:${name}`;

/** A state machine whose ASL is written in the test, as text with `${…}` placeholders like the real one. */
export function machine(
  name: string,
  definition: object,
  functions: LocalStateMachine['functions'],
  substitutions: Record<string, string> = {},
): LocalStateMachine {
  return { name, arn: stateMachineArn(name), definition: JSON.stringify(definition, null, 2), substitutions, functions };
}

/** The real SDK client, unchanged, pointed at the local endpoint. */
export function sfnClient(endpoint: string): SFNClient {
  return new SFNClient({ endpoint, region: 'ap-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
}

export { sleep };

/** Polls until `probe` returns something other than undefined (ceiling scaled by TEST_TIME_SCALE). */
export function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  return waitFor(probe, what, { timeoutMs, intervalMs: 5 });
}

/** DescribeExecution once the execution has left RUNNING. */
export function settled(client: SFNClient, executionArn: string, timeoutMs = 10_000): Promise<DescribeExecutionCommandOutput> {
  return until(
    async () => {
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      return described.status === 'RUNNING' ? undefined : described;
    },
    timeoutMs,
    `${executionArn} to finish`,
  );
}

/** Errors as the handlers' functions would throw them: a class whose `name` is the WeChat error type. */
export class WeChatApiError extends Error {
  override name = 'WeChatApiError';
}
export class WeChatRetryableError extends Error {
  override name = 'WeChatRetryableError';
}

/**
 * The most child executions of a distributed Map running at once in one execution, counted from
 * the map run's own events (each child's start and close), not from timing.
 */
export function maxChildrenInFlight(events: readonly ExecutionEvent[], executionArn: string): number {
  let running = 0;
  let max = 0;
  for (const event of events) {
    if (event.executionArn !== executionArn) continue;
    if (event.type === 'MapRunChildStarted') max = Math.max(max, ++running);
    if (event.type === 'MapRunChildClosed') running--;
  }
  return max;
}
