import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** An API Gateway HTTP API (payload 2.0) event, as the local gateway builds it, for calling a handler in-process. */
export function apiEvent(
  routeKey: string,
  { rawPath, query = '', body, contentType = 'text/xml', pathParameters }: { rawPath: string; query?: string; body?: Buffer | string; contentType?: string; pathParameters?: Record<string, string> },
): APIGatewayProxyEventV2 {
  const params = new URLSearchParams(query);
  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of params) queryStringParameters[name] = name in queryStringParameters ? `${queryStringParameters[name]},${value}` : value;
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  // The gateway passes text as a string and anything else base64-encoded, as API Gateway does.
  const isText = /^(text\/|application\/(json|xml))/i.test(contentType);
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: query,
    headers: { 'content-type': contentType, host: 'localhost' },
    ...(Object.keys(queryStringParameters).length ? { queryStringParameters } : {}),
    ...(pathParameters ? { pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: routeKey.split(' ')[0]!, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(bytes?.length ? { body: isText ? bytes.toString('utf8') : bytes.toString('base64') } : {}),
    isBase64Encoded: Boolean(bytes?.length) && !isText,
  };
}
