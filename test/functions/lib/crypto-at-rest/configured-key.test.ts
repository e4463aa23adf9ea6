import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { resetConfig } from '../../../../functions/lib/config';
import { configuredTokenKey } from '../../../../functions/lib/crypto-at-rest/configured-key';
import { DataKeyProviderKind } from '../../../../functions/lib/crypto-at-rest/data-keys';
import { KMS_ENCRYPTION_CONTEXT } from '../../../../functions/lib/crypto-at-rest/kms-data-keys';
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

  it('uses KMS with TOKEN_KEY_ARN and the key file with TOKEN_KEY_FILE', async () => {
    // KMS has no local engine: a mock answering as KMS would, checked call by call.
    const kms = mockClient(KMSClient);
    try {
      kms.on(GenerateDataKeyCommand).resolves({ Plaintext: new Uint8Array(32).fill(1), CiphertextBlob: new Uint8Array(184).fill(2) });
      kms.on(DecryptCommand).resolves({ Plaintext: new Uint8Array(32).fill(1) });
      const keyArn = 'arn:aws:kms:ap-east-1:111122223333:key/1';
      configure({ TOKEN_KEY_ARN: keyArn });
      // The KMS client loads with the first data key, so the kind is all there is before it.
      const keys = configuredTokenKey();
      expect(keys.kind).toBe(DataKeyProviderKind.kms);
      expect(kms.calls()).toHaveLength(0);
      const { plaintext, wrapped } = await keys.generate();
      expect(plaintext).toEqual(Buffer.alloc(32, 1));
      expect(await keys.unwrap(wrapped)).toEqual(Buffer.alloc(32, 1));
      expect(kms.commandCalls(GenerateDataKeyCommand)[0]!.args[0].input).toEqual({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: KMS_ENCRYPTION_CONTEXT });
      expect(kms.commandCalls(DecryptCommand)[0]!.args[0].input).toEqual({ CiphertextBlob: new Uint8Array(wrapped), KeyId: keyArn, EncryptionContext: KMS_ENCRYPTION_CONTEXT });
    } finally {
      kms.restore();
    }
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
