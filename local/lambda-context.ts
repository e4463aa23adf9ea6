import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { FUNCTIONS, type FunctionName } from '../infra/manifest';
import { LOCAL_ACCOUNT } from './aws-json-server';
import { runInvocation } from './invoke-store';

/** The ARN a local function answers to, in the state machine's Task resources and the context. */
export function localFunctionArn(name: FunctionName): string {
  return `arn:aws:lambda:local:${LOCAL_ACCOUNT}:function:${name}`;
}

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
    invokedFunctionArn: localFunctionArn(name),
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

/**
 * Invokes a handler as Lambda would: with its context, in an invocation of its own. `requestId`
 * is the one API Gateway gave the request, when there is one, so logs and answers agree.
 */
export function invokeLocally<Result>(
  handler: (event: never, context: Context) => Promise<Result>,
  name: FunctionName,
  event: unknown,
  requestId: string = randomUUID(),
): Promise<Result> {
  const context = localLambdaContext(name, requestId);
  return runInvocation(context.awsRequestId, () => handler(event as never, context));
}
