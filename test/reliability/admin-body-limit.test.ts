import { startTestPlatform, type TestPlatform } from '../helpers/platform';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const MiB = 1024 * 1024;

/** Admin bodies over the documented limit get 413 `{ code, message }` before anything parses them. */
describe('admin API body limit', () => {
  let platform: TestPlatform;
  const appId = 'wx0123456789abcdef';
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(() => platform.stop());

  const send = async (method: string, path: string, body: string | Buffer, contentType = 'application/json') => {
    const response = await platform.admin(path, { method, body, headers: { 'content-type': contentType } });
    return { status: response.status, json: (await response.json()) as Json };
  };
  /** A JSON document of exactly `bytes` bytes that the release contract refuses (unknown field). */
  const jsonOfSize = (bytes: number) => {
    const skeleton = JSON.stringify({ padding: '' });
    return JSON.stringify({ padding: 'x'.repeat(bytes - skeleton.length) });
  };

  it('refuses a JSON body one byte over 1 MiB with 413, and changes nothing', async () => {
    const before = await platform.scanTable();
    const { status, json } = await send('POST', '/admin/releases', jsonOfSize(MiB + 1));
    expect(status).toBe(413);
    expect(json).toEqual({ code: 'payload_too_large', message: expect.stringMatching(/1048576 bytes/) });
    expect(await platform.scanTable()).toEqual(before);
  });

  it('reads a body of exactly 1 MiB (then the contract decides: 400, not 413)', async () => {
    const { status, json } = await send('POST', '/admin/releases', jsonOfSize(MiB));
    expect(status).toBe(400);
    expect(json.code).toBe('invalid_request');
  });

  it('refuses a body that is not JSON at all by its size first', async () => {
    const { status, json } = await send('PUT', `/admin/authorizers/${appId}/domains`, '{'.repeat(MiB + 10));
    expect(status).toBe(413);
    expect(json.code).toBe('payload_too_large');
  });

  it('counts bytes, not characters: 400,000 three-byte characters are over the limit', async () => {
    const { status } = await send('POST', '/admin/releases', JSON.stringify({ userDesc: '审'.repeat(400_000) }));
    expect(status).toBe(413);
  });

  it('refuses a binary (base64-encoded by the gateway) body over the limit', async () => {
    const { status, json } = await send('POST', '/admin/templates', Buffer.alloc(MiB + 100, 7), 'application/octet-stream');
    expect(status).toBe(413);
    expect(json.code).toBe('payload_too_large');
  });

  it('refuses a multipart P12 upload over the limit', async () => {
    const form = new FormData();
    form.append('mchId', '1900009191');
    form.append('p12', new Blob([Buffer.alloc(MiB + 1, 1)]), 'apiclient_cert.p12');
    const response = await platform.admin(`/admin/authorizers/${appId}/payment`, { method: 'PUT', body: form });
    expect(response.status).toBe(413);
    expect(((await response.json()) as Json).code).toBe('payload_too_large');
  });

  it('lets the avatar route take a 2 MB image (its own 3.06 MiB limit) and refuses more', async () => {
    const image = Buffer.alloc(2_000_000, 1).toString('base64');
    const accepted = await send('PUT', `/admin/authorizers/${appId}/head-image`, JSON.stringify({ image, contentType: 'image/png' }));
    // Past the size check: the app is unknown to the platform, so a 4xx other than 413.
    expect(accepted.status).not.toBe(413);
    expect(accepted.status).toBeLessThan(500);
    const tooBig = await send('PUT', `/admin/authorizers/${appId}/head-image`, JSON.stringify({ image: 'A'.repeat(3_300_000), contentType: 'image/png' }));
    expect(tooBig.status).toBe(413);
  });
});
