import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resetConfig } from '../../../../functions/lib/config';
import { configuredTokenKey } from '../../../../functions/lib/crypto-at-rest/configured-key';
import { KmsDataKeys } from '../../../../functions/lib/crypto-at-rest/kms-data-keys';
import { LocalKeyDataKeys } from '../../../../functions/lib/crypto-at-rest/local-key-data-keys';
import { ensureTokenKeyFile } from '../../../../local/token-key';

/** Configuration alone picks the token key: a KMS key in AWS, a key file where there is no KMS. */
describe('configuredTokenKey', () => {
  const saved = { TOKEN_KEY_ARN: process.env.TOKEN_KEY_ARN, TOKEN_KEY_FILE: process.env.TOKEN_KEY_FILE, TABLE_NAME: process.env.TABLE_NAME, WECHAT_COMPONENT_APPID: process.env.WECHAT_COMPONENT_APPID };
  const configure = (env: { TOKEN_KEY_ARN?: string; TOKEN_KEY_FILE?: string }) => {
    delete process.env.TOKEN_KEY_ARN;
    delete process.env.TOKEN_KEY_FILE;
    Object.assign(process.env, { TABLE_NAME: 't', WECHAT_COMPONENT_APPID: 'wxcomponent', ...env });
    resetConfig();
  };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    resetConfig();
  });

  const keyFile = () => ensureTokenKeyFile(path.join(mkdtempSync(path.join(tmpdir(), 'configured-key-')), '.local'));

  it('uses KMS with TOKEN_KEY_ARN and the key file with TOKEN_KEY_FILE', () => {
    configure({ TOKEN_KEY_ARN: 'arn:aws:kms:ap-east-1:111122223333:key/1' });
    expect(configuredTokenKey()).toBeInstanceOf(KmsDataKeys);
    configure({ TOKEN_KEY_FILE: keyFile() });
    expect(configuredTokenKey()).toBeInstanceOf(LocalKeyDataKeys);
  });

  it('refuses both, and says so when neither is configured', () => {
    configure({ TOKEN_KEY_ARN: 'arn:aws:kms:ap-east-1:111122223333:key/1', TOKEN_KEY_FILE: keyFile() });
    expect(() => configuredTokenKey()).toThrow('set TOKEN_KEY_ARN or TOKEN_KEY_FILE, not both');
    configure({});
    expect(() => configuredTokenKey()).toThrow('no token key is configured (TOKEN_KEY_ARN or TOKEN_KEY_FILE)');
  });
});
