import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { startLocalSecretsManager, type LocalSecretsManager } from '../../local/secrets-manager';

/** The real SDK client, configured as handlers are locally: an endpoint and any credentials. */
function clientFor(endpoint: string): SecretsManagerClient {
  return new SecretsManagerClient({ endpoint, region: 'ap-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

describe('Function: startLocalSecretsManager', () => {
  describe('in memory', () => {
    let server: LocalSecretsManager;
    let client: SecretsManagerClient;

    beforeAll(async () => {
      server = await startLocalSecretsManager({ port: 0 });
      client = clientFor(server.endpoint);
    });
    afterAll(async () => {
      client.destroy();
      await server.stop();
    });

    it('creates a secret and returns its value by name and by ARN', async () => {
      const created = await client.send(new CreateSecretCommand({ Name: 'weapp/component', SecretString: '{"a":1}', KmsKeyId: 'alias/ignored' }));
      expect(created.ARN).toMatch(/^arn:aws:secretsmanager:local:000000000000:secret:weapp\/component-[A-Za-z0-9]{6}$/);
      expect(created.Name).toBe('weapp/component');
      expect(created.VersionId).toMatch(/^[0-9a-f-]{36}$/);

      const byName = await client.send(new GetSecretValueCommand({ SecretId: 'weapp/component' }));
      expect(byName).toMatchObject({ ARN: created.ARN, Name: 'weapp/component', SecretString: '{"a":1}', VersionId: created.VersionId, VersionStages: ['AWSCURRENT'] });
      expect(byName.CreatedDate).toBeInstanceOf(Date);
      const byArn = await client.send(new GetSecretValueCommand({ SecretId: created.ARN }));
      expect(byArn.SecretString).toBe('{"a":1}');
    });

    it('uses ClientRequestToken as the VersionId and round-trips SecretBinary', async () => {
      const token = 'a'.repeat(40);
      const bytes = Uint8Array.from([0, 1, 2, 254, 255]);
      const created = await client.send(new CreateSecretCommand({ Name: 'binary', SecretBinary: bytes, ClientRequestToken: token }));
      expect(created.VersionId).toBe(token);
      const got = await client.send(new GetSecretValueCommand({ SecretId: 'binary', VersionId: token }));
      expect(Buffer.from(got.SecretBinary!)).toEqual(Buffer.from(bytes));
      expect(got.SecretString).toBeUndefined();
      // A retry of the same request (the SDK reuses the token) is not a duplicate.
      await expect(client.send(new CreateSecretCommand({ Name: 'binary', SecretBinary: bytes, ClientRequestToken: token }))).resolves.toMatchObject({ VersionId: token });
    });

    it('makes a new value AWSCURRENT and keeps the previous one as AWSPREVIOUS', async () => {
      const first = await client.send(new CreateSecretCommand({ Name: 'rotating', SecretString: 'v1' }));
      const second = await client.send(new PutSecretValueCommand({ SecretId: 'rotating', SecretString: 'v2' }));
      expect(second.VersionStages).toEqual(['AWSCURRENT']);
      expect(second.VersionId).not.toBe(first.VersionId);

      expect((await client.send(new GetSecretValueCommand({ SecretId: 'rotating' }))).SecretString).toBe('v2');
      const previous = await client.send(new GetSecretValueCommand({ SecretId: 'rotating', VersionStage: 'AWSPREVIOUS' }));
      expect(previous).toMatchObject({ SecretString: 'v1', VersionId: first.VersionId, VersionStages: ['AWSPREVIOUS'] });

      const third = await client.send(new PutSecretValueCommand({ SecretId: 'rotating', SecretString: 'v3' }));
      expect((await client.send(new GetSecretValueCommand({ SecretId: 'rotating', VersionStage: 'AWSPREVIOUS' }))).SecretString).toBe('v2');
      // The oldest lost its label but stays retrievable by id, as on AWS.
      expect((await client.send(new GetSecretValueCommand({ SecretId: 'rotating', VersionId: first.VersionId }))).SecretString).toBe('v1');

      const described = await client.send(new DescribeSecretCommand({ SecretId: 'rotating' }));
      expect(described).toMatchObject({ ARN: first.ARN, Name: 'rotating' });
      expect(described.VersionIdsToStages).toEqual({ [second.VersionId!]: ['AWSPREVIOUS'], [third.VersionId!]: ['AWSCURRENT'] });
      expect(described.CreatedDate).toBeInstanceOf(Date);
      expect(described.LastChangedDate!.getTime()).toBeGreaterThanOrEqual(described.CreatedDate!.getTime());
      expect(described.DeletedDate).toBeUndefined();

      const listed = await client.send(new ListSecretVersionIdsCommand({ SecretId: 'rotating' }));
      expect(listed.Versions?.map((v) => v.VersionId)).toEqual([third.VersionId, second.VersionId]);
      const all = await client.send(new ListSecretVersionIdsCommand({ SecretId: 'rotating', IncludeDeprecated: true, MaxResults: 2 }));
      expect(all.Versions).toHaveLength(2);
      const rest = await client.send(new ListSecretVersionIdsCommand({ SecretId: 'rotating', IncludeDeprecated: true, MaxResults: 2, NextToken: all.NextToken }));
      expect(rest.Versions?.map((v) => v.VersionId)).toEqual([first.VersionId]);
      expect(rest.NextToken).toBeUndefined();
    });

    it('answers AWS errors for unknown secrets, duplicates and bad requests', async () => {
      const unknown = await client.send(new GetSecretValueCommand({ SecretId: 'nope' })).catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(ResourceNotFoundException);
      expect((unknown as ResourceNotFoundException).$metadata.httpStatusCode).toBe(400);
      await expect(client.send(new DescribeSecretCommand({ SecretId: 'arn:aws:secretsmanager:local:000000000000:secret:nope-AbCdEf' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(client.send(new PutSecretValueCommand({ SecretId: 'nope', SecretString: 'x' }))).rejects.toBeInstanceOf(ResourceNotFoundException);

      await client.send(new CreateSecretCommand({ Name: 'dup', SecretString: 'x' }));
      const duplicate = await client.send(new CreateSecretCommand({ Name: 'dup', SecretString: 'y' })).catch((e: unknown) => e);
      expect(duplicate).toBeInstanceOf(ResourceExistsException);
      expect((duplicate as Error).message).toContain('dup already exists');

      await expect(client.send(new GetSecretValueCommand({ SecretId: 'dup', VersionStage: 'AWSPREVIOUS' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
      const both = await client.send(new CreateSecretCommand({ Name: 'both', SecretString: 'x', SecretBinary: Uint8Array.from([1]) })).catch((e: unknown) => e);
      expect((both as SecretsManagerServiceException).name).toBe('InvalidParameterException');
    });

    it('schedules a deletion that blocks reads until restored, and force-deletes for good', async () => {
      const created = await client.send(new CreateSecretCommand({ Name: 'doomed', SecretString: 'x' }));
      const deleted = await client.send(new DeleteSecretCommand({ SecretId: 'doomed', RecoveryWindowInDays: 7 }));
      expect(deleted.ARN).toBe(created.ARN);
      expect(deleted.DeletionDate!.getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);

      const described = await client.send(new DescribeSecretCommand({ SecretId: 'doomed' }));
      expect(described.DeletedDate).toBeInstanceOf(Date);
      await expect(client.send(new GetSecretValueCommand({ SecretId: 'doomed' }))).rejects.toBeInstanceOf(InvalidRequestException);
      await expect(client.send(new PutSecretValueCommand({ SecretId: 'doomed', SecretString: 'y' }))).rejects.toBeInstanceOf(InvalidRequestException);
      await expect(client.send(new CreateSecretCommand({ Name: 'doomed', SecretString: 'y' }))).rejects.toBeInstanceOf(InvalidRequestException);

      await client.send(new RestoreSecretCommand({ SecretId: 'doomed' }));
      expect((await client.send(new GetSecretValueCommand({ SecretId: 'doomed' }))).SecretString).toBe('x');

      await client.send(new DeleteSecretCommand({ SecretId: created.ARN, ForceDeleteWithoutRecovery: true }));
      await expect(client.send(new DescribeSecretCommand({ SecretId: 'doomed' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
      // The name is free again, under a new ARN.
      const again = await client.send(new CreateSecretCommand({ Name: 'doomed', SecretString: 'z' }));
      expect(again.ARN).not.toBe(created.ARN);
    });

    it('rejects requests that are not Secrets Manager JSON', async () => {
      const response = await fetch(server.endpoint, { method: 'POST', headers: { 'x-amz-target': 'secretsmanager.RotateSecret', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
      expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
      const garbled = await fetch(server.endpoint, { method: 'POST', headers: { 'x-amz-target': 'secretsmanager.GetSecretValue' }, body: '{' });
      expect(await garbled.json()).toMatchObject({ __type: 'SerializationException' });
    });
  });

  describe('with a data file', () => {
    let directory: string;
    beforeAll(() => (directory = mkdtempSync(path.join(tmpdir(), 'local-sm-'))));
    afterAll(() => rmSync(directory, { recursive: true, force: true }));

    it('keeps secrets, versions and deletion marks across a restart in a private file', async () => {
      const dataFile = path.join(directory, 'nested', 'secrets.json');
      let server = await startLocalSecretsManager({ port: 0, dataFile });
      let client = clientFor(server.endpoint);
      const created = await client.send(new CreateSecretCommand({ Name: 'kept', SecretString: 'v1' }));
      await client.send(new PutSecretValueCommand({ SecretId: 'kept', SecretString: 'v2' }));
      await client.send(new CreateSecretCommand({ Name: 'scheduled', SecretString: 's' }));
      await client.send(new DeleteSecretCommand({ SecretId: 'scheduled' }));
      client.destroy();
      await server.stop();

      expect(statSync(dataFile).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(dataFile, 'utf8'))).toMatchObject({ format: 1 });

      server = await startLocalSecretsManager({ port: 0, dataFile });
      client = clientFor(server.endpoint);
      try {
        expect(await client.send(new GetSecretValueCommand({ SecretId: created.ARN }))).toMatchObject({ SecretString: 'v2', Name: 'kept' });
        expect((await client.send(new GetSecretValueCommand({ SecretId: 'kept', VersionStage: 'AWSPREVIOUS' }))).SecretString).toBe('v1');
        await expect(client.send(new GetSecretValueCommand({ SecretId: 'scheduled' }))).rejects.toBeInstanceOf(InvalidRequestException);
      } finally {
        client.destroy();
        await server.stop();
      }
    });

    it('refuses to start on a corrupt data file rather than lose its secrets', async () => {
      const dataFile = path.join(directory, 'corrupt.json');
      writeFileSync(dataFile, '{"not":');
      await expect(startLocalSecretsManager({ port: 0, dataFile })).rejects.toThrow();
    });
  });
});
