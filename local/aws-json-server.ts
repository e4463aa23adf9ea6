import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readRequestBody } from './read-body';

/** The account in every ARN a local stand-in makes, so a local ARN is recognisable at a glance. */
export const LOCAL_ACCOUNT = '000000000000';

export type AwsJsonObject = Record<string, unknown>;

/** An error answered as AWS does: `{ __type, message }`, HTTP 400 unless said otherwise. */
export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export interface AwsJsonService {
  /** Names the service in the log line of an unexpected error. */
  name: string;
  /** What X-Amz-Target starts with, e.g. `secretsmanager.`; the operation name follows it. */
  targetPrefix: string;
  /** The protocol version in the content type, `application/x-amz-json-<version>`. */
  jsonVersion: '1.0' | '1.1';
  maxBodyBytes: number;
  /** The `__type` of an unexpected error (the service's own, where its API defines one). */
  internalErrorType: string;
  /** The operation's implementation, or undefined when the service has no such operation. */
  operation(name: string): ((input: AwsJsonObject) => AwsJsonObject) | undefined;
}

/**
 * The request listener of an AWS JSON-protocol service (POST `/` with `X-Amz-Target:
 * <prefix><Operation>` and a JSON object body), the protocol the SDK's clients speak to it.
 * Operations are synchronous, so one request never interleaves with another inside one.
 */
export function serveAwsJson(service: AwsJsonService): (req: IncomingMessage, res: ServerResponse) => void {
  const contentType = `application/x-amz-json-${service.jsonVersion}`;
  const send = (res: ServerResponse, status: number, requestId: string, body: AwsJsonObject, errorType?: string): void => {
    const payload = Buffer.from(JSON.stringify(body));
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': payload.length,
      'x-amzn-requestid': requestId,
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    });
    res.end(payload);
  };

  const answer = async (req: IncomingMessage): Promise<AwsJsonObject> => {
    if (req.method !== 'POST') throw new AwsServiceError('UnknownOperationException', `${req.method} is not supported; POST / with X-Amz-Target`, 404);
    const target = req.headers['x-amz-target'];
    const name = typeof target === 'string' && target.startsWith(service.targetPrefix) ? target.slice(service.targetPrefix.length) : '';
    if (!name) throw new AwsServiceError('UnknownOperationException', 'Missing or foreign X-Amz-Target header');
    const operation = service.operation(name);
    if (!operation) throw new AwsServiceError('UnknownOperationException', `Operation ${name} is not supported by the local ${service.name}`);
    const body = await readRequestBody(req, service.maxBodyBytes);
    if (!body) throw new AwsServiceError('ValidationException', 'Request body too large', 413);
    let input: unknown;
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      throw new AwsServiceError('SerializationException', 'Request body is not valid JSON');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new AwsServiceError('SerializationException', 'Request body must be a JSON object');
    return operation(input as AwsJsonObject);
  };

  return (req, res) => {
    const requestId = randomUUID();
    answer(req).then(
      (output) => send(res, 200, requestId, output),
      (error: unknown) => {
        if (error instanceof AwsServiceError) return send(res, error.status, requestId, { __type: error.type, message: error.message }, error.type);
        process.stderr.write(`local ${service.name}: ${(error as Error).stack ?? String(error)}\n`);
        send(res, 500, requestId, { __type: service.internalErrorType, message: 'internal error' }, service.internalErrorType);
      },
    );
  };
}

/** A required string field, refused in AWS's own validation wording when missing or empty. */
export function requiredString(input: AwsJsonObject, field: string): string {
  const value = input[field];
  if (typeof value !== 'string') {
    throw new AwsServiceError('ValidationException', `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  }
  if (value === '') {
    throw new AwsServiceError('ValidationException', `1 validation error detected: Value '' at '${field}' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  }
  return value;
}

/** An optional string field; a value of another JSON type does not deserialize, as on AWS. */
export function optionalString(input: AwsJsonObject, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AwsServiceError('SerializationException', `${field} must be a string`);
  return value;
}

/** AWS JSON protocols carry timestamps as epoch seconds (with a fraction). */
export function epochSeconds(time: Date | number): number {
  return (typeof time === 'number' ? time : time.getTime()) / 1000;
}
