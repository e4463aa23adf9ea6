import { DescribeExecutionCommand, SFNClient, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import type { LocalStateMachine } from '../../../../infra/local/stepfunctions';

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

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` returns something other than undefined. */
export async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** DescribeExecution once the execution has left RUNNING. */
export function settled(client: SFNClient, executionArn: string, timeoutMs = 5000): Promise<DescribeExecutionCommandOutput> {
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
