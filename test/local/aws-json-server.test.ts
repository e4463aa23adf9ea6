import { createServer, type Server } from 'node:http';
import { AwsServiceError, optionalString, requiredString, serveAwsJson, type AwsJsonObject } from '../../local/aws-json-server';
import { closeServer, listenOn } from '../../local/http-server';

describe('Function: serveAwsJson', () => {
  let server: Server;
  let url: string;
  const operations: Record<string, (input: AwsJsonObject) => AwsJsonObject> = {
    Echo: (input) => ({ name: requiredString(input, 'Name'), note: optionalString(input, 'Note') ?? null }),
    Refuse: () => {
      throw new AwsServiceError('ResourceNotFoundException', 'no such thing');
    },
    Break: () => {
      throw new Error('a bug');
    },
  };
  const call = (target: string | undefined, body = '{}', method = 'POST') =>
    fetch(url, { method, headers: target ? { 'x-amz-target': target } : {}, ...(method === 'POST' ? { body } : {}) });

  beforeAll(async () => {
    server = createServer(
      serveAwsJson({ name: 'Example', targetPrefix: 'Example_20240101.', jsonVersion: '1.0', maxBodyBytes: 1024, internalErrorType: 'InternalFailure', operation: (name) => operations[name] }),
    );
    const address = await listenOn(server, 0, '127.0.0.1');
    url = `http://127.0.0.1:${address.port}/`;
  });
  afterAll(() => closeServer(server));

  it('answers an operation with its output in the protocol content type, with a request id', async () => {
    const response = await call('Example_20240101.Echo', JSON.stringify({ Name: 'a', Note: 'b' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toEqual({ name: 'a', note: 'b' });
  });

  it('answers errors as { __type, message } with the type also in x-amzn-errortype', async () => {
    const cases: [Promise<Response>, number, string][] = [
      [call('Example_20240101.Refuse'), 400, 'ResourceNotFoundException'],
      [call('Example_20240101.Echo', '{}'), 400, 'ValidationException'],
      [call('Example_20240101.Echo', JSON.stringify({ Name: 'a', Note: 7 })), 400, 'SerializationException'],
      [call('Example_20240101.Echo', '{'), 400, 'SerializationException'],
      [call('Example_20240101.Echo', '[]'), 400, 'SerializationException'],
      [call('Example_20240101.Echo', JSON.stringify({ Name: 'x'.repeat(2000) })), 413, 'ValidationException'],
      [call('Example_20240101.Nothing'), 400, 'UnknownOperationException'],
      [call('Other.Echo'), 400, 'UnknownOperationException'],
      [call(undefined), 400, 'UnknownOperationException'],
      [call('Example_20240101.Echo', '', 'GET'), 404, 'UnknownOperationException'],
    ];
    for (const [pending, status, type] of cases) {
      const response = await pending;
      expect({ status: response.status, header: response.headers.get('x-amzn-errortype'), body: await response.json() }).toEqual({
        status,
        header: type,
        body: { __type: type, message: expect.any(String) },
      });
    }
  });

  it('answers an unexpected error with 500 and the configured type, without its message', async () => {
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stderr.write;
    let response: Response;
    try {
      response = await call('Example_20240101.Break');
    } finally {
      process.stderr.write = write;
    }
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ __type: 'InternalFailure', message: 'internal error' });
    expect(written.join('')).toContain('local Example: Error: a bug');
  });
});

describe('Function: listenOn', () => {
  it('rejects when the port is taken', async () => {
    const first = createServer();
    const { port } = await listenOn(first, 0, '127.0.0.1');
    try {
      await expect(listenOn(createServer(), port, '127.0.0.1')).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await closeServer(first);
    }
  });
});
