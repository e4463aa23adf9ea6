import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { resetClients } from '../../../../functions/lib/aws/clients';
import { resetConfig } from '../../../../functions/lib/config';
import { ConfigurationError } from '../../../../functions/lib/errors';
import { componentCredentials, resetComponentCredentials } from '../../../../functions/lib/wechat/component-credentials';

// Secrets Manager has no local engine: its adapter is tested against aws-sdk-client-mock.
describe('componentCredentials()', () => {
  const secrets = mockClient(SecretsManagerClient);
  const AES_KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
  const saved = { ...process.env };

  beforeEach(() => {
    secrets.reset();
    process.env = { ...saved, TABLE_NAME: 't', WECHAT_COMPONENT_APPID: 'wx3e1a5f0c2b7d9e41' };
    resetConfig();
    resetClients();
    resetComponentCredentials();
  });
  afterAll(() => {
    process.env = saved;
    resetConfig();
    resetClients();
    resetComponentCredentials();
  });

  it('reads the secret named by COMPONENT_SECRET_ARN once and caches it', async () => {
    process.env.COMPONENT_SECRET_ARN = 'arn:aws:secretsmanager:ap-east-1:111122223333:secret:weapp-fleet/component-AbCdEf';
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ appSecret: 's3cr3t', token: 'tok', aesKey: AES_KEY }) });
    const first = await componentCredentials();
    expect(first).toEqual({ appId: 'wx3e1a5f0c2b7d9e41', appSecret: 's3cr3t', token: 'tok', aesKey: AES_KEY });
    expect(await componentCredentials()).toBe(first);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: process.env.COMPONENT_SECRET_ARN });
  });

  it('names missing fields without revealing any value', async () => {
    process.env.COMPONENT_SECRET_ARN = 'arn:secret';
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ appSecret: 'do-not-print-me', aesKey: 'short' }) });
    const error = (await componentCredentials().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(/token/);
    expect(error.message).toMatch(/aesKey/);
    expect(error.message).not.toContain('do-not-print-me');
  });

  it('refuses a secret that is not JSON, and tries again on the next call', async () => {
    process.env.COMPONENT_SECRET_ARN = 'arn:secret';
    secrets.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'not json' }).resolves({ SecretString: JSON.stringify({ appSecret: 'a', token: 'b', aesKey: AES_KEY }) });
    await expect(componentCredentials()).rejects.toThrow(/not JSON/);
    await expect(componentCredentials()).resolves.toMatchObject({ appSecret: 'a' });
  });

  it('falls back to WECHAT_COMPONENT_* variables when no secret is configured', async () => {
    Object.assign(process.env, { WECHAT_COMPONENT_SECRET: 'env-secret', WECHAT_COMPONENT_TOKEN: 'env-token', WECHAT_COMPONENT_AES_KEY: AES_KEY });
    await expect(componentCredentials()).resolves.toEqual({ appId: 'wx3e1a5f0c2b7d9e41', appSecret: 'env-secret', token: 'env-token', aesKey: AES_KEY });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });
});
