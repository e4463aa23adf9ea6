import { resetClients } from '../../../../functions/lib/aws/clients';
import { s3Client } from '../../../../functions/lib/aws/s3';
import { sfnClient } from '../../../../functions/lib/aws/sfn';
import { resetConfig } from '../../../../functions/lib/config';

// The S3 and Step Functions clients have their own modules (loaded on demand), yet the local
// runtime and the tests point every client at new endpoints with one resetClients().
describe('on-demand clients (S3, Step Functions)', () => {
  const saved = { ...process.env };
  const endpointOf = async (client: ReturnType<typeof s3Client> | ReturnType<typeof sfnClient>) => {
    const endpoint = await client.config.endpoint?.();
    return endpoint ? `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}` : undefined;
  };
  const point = (port: number) => {
    process.env = { ...saved, TABLE_NAME: 't', WECHAT_COMPONENT_APPID: 'wx3e1a5f0c2b7d9e41', S3_ENDPOINT: `http://127.0.0.1:${port}`, STEPFUNCTIONS_ENDPOINT: `http://127.0.0.1:${port + 1}` };
    resetConfig();
    resetClients();
  };

  afterAll(() => {
    process.env = saved;
    resetConfig();
    resetClients();
  });

  it('are built once per process and shared', () => {
    point(4100);
    expect(s3Client()).toBe(s3Client());
    expect(sfnClient()).toBe(sfnClient());
  });

  it('are dropped by resetClients() and rebuilt from the configuration of the moment', async () => {
    point(4100);
    const [s3Before, sfnBefore] = [s3Client(), sfnClient()];
    expect(await endpointOf(s3Before)).toBe('http://127.0.0.1:4100');
    point(4200);
    expect(s3Client()).not.toBe(s3Before);
    expect(sfnClient()).not.toBe(sfnBefore);
    expect(await endpointOf(s3Client())).toBe('http://127.0.0.1:4200');
    expect(await endpointOf(sfnClient())).toBe('http://127.0.0.1:4201');
  });
});
