import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { s3Client } from '../../../functions/lib/aws/s3';
import { logger } from '../../../functions/lib/logger';
import { makeMerchantP12 } from '../../helpers/p12';
import { useWorld } from '../../helpers/world';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Payment settings: validated P12 to S3, keys to Secrets Manager, metadata only out. */
describe('PUT/GET/DELETE /admin/authorizers/{appId}/payment', () => {
  const world = useWorld({ ticket: true });
  let appId: string;
  const MCH = '1900009191';
  const API_KEY = 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6';
  const API_V3_KEY = 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4';
  const validP12 = makeMerchantP12({ mchId: MCH });
  const logs: string[] = [];
  const write = process.stdout.write.bind(process.stdout);

  beforeAll(async () => {
    appId = await world.authorize();
    // Capture every log line the handlers write, at the most verbose level.
    logger.setLogLevel('DEBUG');
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logs.push(String(chunk));
      return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  });
  afterAll(() => {
    process.stdout.write = write;
    logger.setLogLevel('SILENT');
  });

  const put = async (body: Json) => {
    const response = await world.platform.admin(`/admin/authorizers/${appId}/payment`, { method: 'PUT', body: JSON.stringify(body) });
    return { status: response.status, text: await response.text() };
  };
  const secrets = () => new SecretsManagerClient({ endpoint: process.env.SECRETS_MANAGER_ENDPOINT, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  // The handlers' own client, configured by the environment the test platform sets.
  const s3 = s3Client;
  const storedSecret = async (stage = 'AWSCURRENT') => JSON.parse((await secrets().send(new GetSecretValueCommand({ SecretId: `weapp-fleet/payment/${appId}`, VersionStage: stage }))).SecretString!) as Json;
  const storedP12 = async () => Buffer.from(await (await s3().send(new GetObjectCommand({ Bucket: process.env.PAYMENT_BUCKET, Key: `payment/${appId}/apiclient_cert.p12` }))).Body!.transformToByteArray());

  describe('refuses a bad P12 with the reason, storing nothing', () => {
    it.each([
      ['a wrong password', () => ({ p12: validP12.toString('base64'), p12Password: 'not-it' }), 'p12_unreadable'],
      ['an expired certificate', () => ({ p12: makeMerchantP12({ mchId: MCH, notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') }).toString('base64') }), 'p12_expired'],
      ['another merchant’s certificate', () => ({ p12: makeMerchantP12({ mchId: '1900000001', password: MCH }).toString('base64') }), 'p12_wrong_merchant'],
      ['garbage', () => ({ p12: Buffer.from('garbage').toString('base64') }), 'p12_unreadable'],
    ])('%s', async (_, body, code) => {
      const before = await world.platform.scanTable();
      const { status, text } = await put({ mchId: MCH, apiKey: API_KEY, ...body() });
      expect(status).toBe(400);
      expect(JSON.parse(text)).toMatchObject({ code });
      expect((await world.platform.scanTable()).length).toBe(before.length);
      await expect(storedSecret()).rejects.toThrow();
      await expect(storedP12()).rejects.toThrow();
    });

    it('refuses a malformed key before anything else', async () => {
      const { status, text } = await put({ mchId: MCH, apiKey: 'short' });
      expect(status).toBe(400);
      expect(text).not.toContain('short"');
    });
  });

  it('stores the P12 in S3 and the keys in the secret, and answers metadata only', async () => {
    const { status, text } = await put({ mchId: MCH, apiKey: API_KEY, apiV3Key: API_V3_KEY, p12: validP12.toString('base64') });
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({
      appId,
      mchId: MCH,
      certificate: { serialNumber: '7A1B2C3D4E5F', notBefore: expect.any(String), notAfter: expect.any(String) },
      hasApiKey: true,
      hasApiV3Key: true,
      updatedAt: expect.any(String),
    });
    expect(await storedP12()).toEqual(validP12);
    expect(await storedSecret()).toEqual({ mchId: MCH, apiKey: API_KEY, apiV3Key: API_V3_KEY, p12Password: MCH });
    const got = await (await world.platform.admin(`/admin/authorizers/${appId}/payment`)).text();
    for (const secret of [API_KEY, API_V3_KEY, validP12.toString('base64').slice(0, 40)]) {
      expect(text).not.toContain(secret);
      expect(got).not.toContain(secret);
    }
  });

  it('keeps the previous secret version recoverable when the settings are replaced', async () => {
    const newKey = 'N3wK3yN3wK3yN3wK3yN3wK3yN3wK3y12';
    const { status } = await put({ mchId: MCH, apiKey: newKey });
    expect(status).toBe(200);
    expect(await storedSecret()).toMatchObject({ apiKey: newKey, apiV3Key: API_V3_KEY, p12Password: MCH });
    expect(await storedSecret('AWSPREVIOUS')).toMatchObject({ apiKey: API_KEY });
  });

  it('accepts the P12 as a multipart upload', async () => {
    const form = new FormData();
    form.append('mchId', MCH);
    form.append('apiV3Key', API_V3_KEY);
    form.append('p12', new Blob([validP12], { type: 'application/x-pkcs12' }), 'apiclient_cert.p12');
    const response = await world.platform.admin(`/admin/authorizers/${appId}/payment`, { method: 'PUT', body: form });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Json).certificate.serialNumber).toBe('7A1B2C3D4E5F');
    expect(await storedP12()).toEqual(validP12);
  });

  it('deletes all of it', async () => {
    expect((await world.platform.admin(`/admin/authorizers/${appId}/payment`, { method: 'DELETE' })).status).toBe(200);
    expect((await world.platform.admin(`/admin/authorizers/${appId}/payment`)).status).toBe(404);
    await expect(storedP12()).rejects.toThrow();
    await expect(storedSecret()).rejects.toThrow();
  });

  it('never wrote a key, password or certificate into the logs', () => {
    const all = logs.join('');
    expect(all.length).toBeGreaterThan(0);
    for (const secret of [API_KEY, API_V3_KEY, 'N3wK3yN3wK3yN3wK3yN3wK3yN3wK3y12', validP12.toString('base64').slice(0, 40)]) expect(all).not.toContain(secret);
  });
});
