import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { FUNCTIONS, type FunctionName } from '../manifest';
import { runInvocation } from './invoke-store';

/**
 * The context Lambda hands a handler, for one local invocation: the function's name, a request
 * id and the time left before the manifest's timeout, so handlers log and time out as in AWS.
 */
export function localLambdaContext(name: FunctionName, requestId: string = randomUUID()): Context {
  const deadline = Date.now() + FUNCTIONS[name].timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Invokes a handler as Lambda would: with its context, in an invocation of its own. */
export function invokeLocally(handler: (event: never, context: Context) => Promise<unknown>, name: FunctionName, event: unknown): Promise<unknown> {
  const context = localLambdaContext(name);
  return runInvocation(context.awsRequestId, () => handler(event as never, context));
}
