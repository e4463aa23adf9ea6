import { createServer } from 'node:http';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { AwsServiceError, epochSeconds, LOCAL_ACCOUNT, optionalString, requiredString, serveAwsJson, type AwsJsonObject as Json } from './aws-json-server';
import { closeServer, listenOn } from './http-server';

export interface LocalSecretsManager {
  endpoint: string;
  stop(): Promise<void>;
}

export interface LocalSecretsManagerOptions {
  /** 0 picks a free port; `endpoint` carries the one chosen. */
  port: number;
  /** JSON file the secrets persist to (mode 0600); without it they live in memory only. */
  dataFile?: string;
  host?: string;
}

/** Region in every ARN, so a local ARN is recognisable at a glance. */
const REGION = 'local';
const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';
/** Secrets Manager's own limit on SecretString / SecretBinary. */
const MAX_SECRET_BYTES = 65_536;
/** Room for a maximal secret, base64-encoded, plus the other fields. */
const MAX_REQUEST_BYTES = 256 * 1024;
/** AWS keeps about 100 versions; older ones without a staging label go first. */
const MAX_VERSIONS = 100;
const DAY_MS = 24 * 60 * 60 * 1000;
const NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const ARN_SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

interface StoredVersion {
  versionId: string;
  secretString?: string;
  /** Base64, exactly as it travels in the JSON protocol. */
  secretBinary?: string;
  stages: string[];
  createdDate: number;
}

interface StoredSecret {
  arn: string;
  name: string;
  description?: string;
  /** Accepted and kept for DescribeSecret; nothing is encrypted locally. */
  kmsKeyId?: string;
  tags?: { Key?: string; Value?: string }[];
  createdDate: number;
  lastChangedDate: number;
  /** When DeleteSecret was called; present while the secret is scheduled for deletion. */
  deletedDate?: number;
  /** When the scheduled deletion takes effect. */
  deletionDate?: number;
  /** Oldest first. */
  versions: StoredVersion[];
}

interface DataFile {
  format: 1;
  secrets: StoredSecret[];
}

const notFound = (): AwsServiceError => new AwsServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
const markedForDeletion = (): AwsServiceError =>
  new AwsServiceError('InvalidRequestException', "You can't perform this operation on the secret because it was marked for deletion.");

/**
 * Starts a Secrets Manager stand-in speaking the JSON 1.1 protocol (`X-Amz-Target:
 * secretsmanager.<Operation>`), so the real SecretsManagerClient works against it with only an
 * `endpoint` and any credentials. Implements CreateSecret, PutSecretValue, GetSecretValue,
 * DescribeSecret, DeleteSecret, RestoreSecret and ListSecretVersionIds with AWS's staging-label
 * rules (AWSCURRENT / AWSPREVIOUS). Signatures are not checked and nothing is encrypted.
 */
export async function startLocalSecretsManager({ port, dataFile, host = '127.0.0.1' }: LocalSecretsManagerOptions): Promise<LocalSecretsManager> {
  const store = new SecretStore(dataFile);
  const server = createServer(
    serveAwsJson({
      name: 'Secrets Manager',
      targetPrefix: 'secretsmanager.',
      jsonVersion: '1.1',
      maxBodyBytes: MAX_REQUEST_BYTES,
      internalErrorType: 'InternalServiceError',
      operation: (name) => store.operation(name),
    }),
  );
  const address = await listenOn(server, port, host);
  let stopped = false;
  return {
    endpoint: `http://${host}:${address.port}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await closeServer(server);
    },
  };
}

/**
 * All state, changed only by synchronous operations, so requests never interleave within one.
 * Every change is written through to `dataFile` before the answer goes out.
 */
class SecretStore {
  private readonly secrets = new Map<string, StoredSecret>();

  constructor(private readonly dataFile: string | undefined) {
    if (dataFile && existsSync(dataFile)) {
      // A corrupt file is an error, not an empty store: starting empty would silently lose secrets.
      let parsed: Partial<DataFile>;
      try {
        parsed = JSON.parse(readFileSync(dataFile, 'utf8')) as Partial<DataFile>;
      } catch (error) {
        throw new Error(`${dataFile} is not valid JSON: ${(error as Error).message}`);
      }
      if (parsed.format !== 1 || !Array.isArray(parsed.secrets)) throw new Error(`${dataFile} is not a local Secrets Manager data file`);
      for (const secret of parsed.secrets) this.secrets.set(secret.name, secret);
    }
  }

  operation(name: string): ((input: Json) => Json) | undefined {
    switch (name) {
      case 'CreateSecret':
        return (input) => this.mutate(() => this.createSecret(input));
      case 'PutSecretValue':
        return (input) => this.mutate(() => this.putSecretValue(input));
      case 'GetSecretValue':
        return (input) => this.getSecretValue(input);
      case 'DescribeSecret':
        return (input) => this.describeSecret(input);
      case 'DeleteSecret':
        return (input) => this.mutate(() => this.deleteSecret(input));
      case 'RestoreSecret':
        return (input) => this.mutate(() => this.restoreSecret(input));
      case 'ListSecretVersionIds':
        return (input) => this.listSecretVersionIds(input);
      default:
        return undefined;
    }
  }

  private mutate(change: () => Json): Json {
    const output = change();
    this.save();
    return output;
  }

  private createSecret(input: Json): Json {
    const name = requiredString(input, 'Name');
    if (!NAME_PATTERN.test(name)) throw new AwsServiceError('ValidationException', `Invalid name: ${name}`);
    const value = secretValue(input);
    const versionId = requestToken(input);
    const existing = this.lookup(name);
    if (existing) {
      if (existing.deletedDate !== undefined) {
        throw new AwsServiceError('InvalidRequestException', `You can't create this secret because a secret with this name is already scheduled for deletion.`);
      }
      // The SDK retries with the same ClientRequestToken; the same request again is not a conflict.
      const retried = existing.versions.find((v) => v.versionId === versionId);
      if (retried && value && sameValue(retried, value)) return { ARN: existing.arn, Name: existing.name, VersionId: versionId };
      throw new AwsServiceError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
    }
    const now = Date.now();
    const secret: StoredSecret = {
      arn: `arn:aws:secretsmanager:${REGION}:${LOCAL_ACCOUNT}:secret:${name}-${arnSuffix()}`,
      name,
      ...(typeof input.Description === 'string' ? { description: input.Description } : {}),
      ...(typeof input.KmsKeyId === 'string' ? { kmsKeyId: input.KmsKeyId } : {}),
      ...(Array.isArray(input.Tags) ? { tags: input.Tags as StoredSecret['tags'] } : {}),
      createdDate: now,
      lastChangedDate: now,
      versions: [],
    };
    // A secret created without a value has no version until PutSecretValue, as on AWS.
    if (value) secret.versions.push({ versionId, ...value, stages: [CURRENT], createdDate: now });
    this.secrets.set(name, secret);
    return { ARN: secret.arn, Name: secret.name, ...(value ? { VersionId: versionId } : {}) };
  }

  private putSecretValue(input: Json): Json {
    const secret = this.live(requiredString(input, 'SecretId'));
    const value = secretValue(input);
    if (!value) throw new AwsServiceError('InvalidRequestException', 'You must provide either SecretString or SecretBinary.');
    const versionId = requestToken(input);
    const stages = input.VersionStages === undefined ? [CURRENT] : stringList(input, 'VersionStages');
    const existing = secret.versions.find((v) => v.versionId === versionId);
    if (existing) {
      // Idempotent retry: same token and value change nothing; a different value is a conflict.
      if (sameValue(existing, value)) return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: existing.stages };
      throw new AwsServiceError('ResourceExistsException', `A version with VersionId ${versionId} already exists with a different value.`);
    }
    const now = Date.now();
    const version: StoredVersion = { versionId, ...value, stages: [], createdDate: now };
    secret.versions.push(version);
    for (const stage of stages) moveStage(secret, stage, version);
    pruneVersions(secret);
    secret.lastChangedDate = now;
    return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: version.stages };
  }

  private getSecretValue(input: Json): Json {
    const secret = this.live(requiredString(input, 'SecretId'));
    const versionId = optionalString(input, 'VersionId');
    const stage = optionalString(input, 'VersionStage') ?? (versionId ? undefined : CURRENT);
    const version = secret.versions.find((v) => (versionId === undefined || v.versionId === versionId) && (stage === undefined || v.stages.includes(stage)));
    if (!version) {
      const wanted = [versionId ? `VersionId: ${versionId}` : '', stage ? `staging label: ${stage}` : ''].filter(Boolean).join(' and ');
      throw new AwsServiceError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for ${wanted}`);
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      ...(version.secretString !== undefined ? { SecretString: version.secretString } : {}),
      ...(version.secretBinary !== undefined ? { SecretBinary: version.secretBinary } : {}),
      VersionStages: version.stages,
      CreatedDate: epochSeconds(version.createdDate),
    };
  }

  private describeSecret(input: Json): Json {
    const secret = this.find(requiredString(input, 'SecretId'));
    return {
      ARN: secret.arn,
      Name: secret.name,
      ...(secret.description !== undefined ? { Description: secret.description } : {}),
      ...(secret.kmsKeyId !== undefined ? { KmsKeyId: secret.kmsKeyId } : {}),
      ...(secret.tags ? { Tags: secret.tags } : {}),
      CreatedDate: epochSeconds(secret.createdDate),
      LastChangedDate: epochSeconds(secret.lastChangedDate),
      ...(secret.deletedDate !== undefined ? { DeletedDate: epochSeconds(secret.deletedDate) } : {}),
      // Versions without a label are deprecated and, as on AWS, not listed here.
      VersionIdsToStages: Object.fromEntries(secret.versions.filter((v) => v.stages.length).map((v) => [v.versionId, v.stages])),
    };
  }

  private deleteSecret(input: Json): Json {
    const secret = this.find(requiredString(input, 'SecretId'));
    const force = input.ForceDeleteWithoutRecovery === true;
    const window = input.RecoveryWindowInDays;
    if (force && window !== undefined) {
      throw new AwsServiceError('InvalidParameterException', "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    }
    const now = Date.now();
    if (force) {
      this.secrets.delete(secret.name);
      return { ARN: secret.arn, Name: secret.name, DeletionDate: epochSeconds(now) };
    }
    if (secret.deletedDate !== undefined) throw markedForDeletion();
    const days = window === undefined ? 30 : window;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 7 || days > 30) {
      throw new AwsServiceError('InvalidParameterException', 'RecoveryWindowInDays must be an integer from 7 to 30.');
    }
    secret.deletedDate = now;
    secret.deletionDate = now + days * DAY_MS;
    return { ARN: secret.arn, Name: secret.name, DeletionDate: epochSeconds(secret.deletionDate) };
  }

  private restoreSecret(input: Json): Json {
    const secret = this.find(requiredString(input, 'SecretId'));
    delete secret.deletedDate;
    delete secret.deletionDate;
    return { ARN: secret.arn, Name: secret.name };
  }

  private listSecretVersionIds(input: Json): Json {
    const secret = this.find(requiredString(input, 'SecretId'));
    const includeDeprecated = input.IncludeDeprecated === true;
    const maxResults = typeof input.MaxResults === 'number' ? input.MaxResults : 100;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) throw new AwsServiceError('InvalidParameterException', 'MaxResults must be from 1 to 100.');
    const token = optionalString(input, 'NextToken');
    const start = token === undefined ? 0 : Number(token);
    if (!Number.isInteger(start) || start < 0) throw new AwsServiceError('InvalidNextTokenException', 'The NextToken value is invalid.');
    // Newest first, like the service.
    const versions = [...secret.versions].reverse().filter((v) => includeDeprecated || v.stages.length);
    const page = versions.slice(start, start + maxResults);
    return {
      ARN: secret.arn,
      Name: secret.name,
      Versions: page.map((v) => ({ VersionId: v.versionId, VersionStages: v.stages, CreatedDate: epochSeconds(v.createdDate) })),
      ...(start + maxResults < versions.length ? { NextToken: String(start + maxResults) } : {}),
    };
  }

  /** By name or full ARN; a secret whose recovery window has passed is gone. */
  private lookup(secretId: string): StoredSecret | undefined {
    const secret = secretId.startsWith('arn:') ? [...this.secrets.values()].find((s) => s.arn === secretId) : this.secrets.get(secretId);
    if (secret?.deletionDate !== undefined && secret.deletionDate <= Date.now()) {
      this.secrets.delete(secret.name);
      this.save();
      return undefined;
    }
    return secret;
  }

  private find(secretId: string): StoredSecret {
    const secret = this.lookup(secretId);
    if (!secret) throw notFound();
    return secret;
  }

  /** A secret that is not scheduled for deletion; AWS refuses reads and writes on those. */
  private live(secretId: string): StoredSecret {
    const secret = this.find(secretId);
    if (secret.deletedDate !== undefined) throw markedForDeletion();
    return secret;
  }

  /** Write to a private temporary file, flush, then rename: a crash leaves the old or the new file, never half of one. */
  private save(): void {
    if (!this.dataFile) return;
    mkdirSync(path.dirname(this.dataFile), { recursive: true });
    const data: DataFile = { format: 1, secrets: [...this.secrets.values()] };
    const temporary = `${this.dataFile}.${process.pid}.tmp`;
    // A leftover from a crash may have other permissions; `mode` only applies to a new file.
    rmSync(temporary, { force: true });
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, JSON.stringify(data, null, 2));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.dataFile);
  }
}

/** Moves a staging label onto `target`; the version losing AWSCURRENT becomes AWSPREVIOUS. */
function moveStage(secret: StoredSecret, stage: string, target: StoredVersion): void {
  const holder = secret.versions.find((v) => v !== target && v.stages.includes(stage));
  if (holder) holder.stages = holder.stages.filter((s) => s !== stage);
  if (stage === CURRENT && holder) {
    for (const v of secret.versions) v.stages = v.stages.filter((s) => s !== PREVIOUS);
    holder.stages.push(PREVIOUS);
  }
  if (!target.stages.includes(stage)) target.stages.push(stage);
}

function pruneVersions(secret: StoredSecret): void {
  while (secret.versions.length > MAX_VERSIONS) {
    const index = secret.versions.findIndex((v) => v.stages.length === 0);
    if (index < 0) return;
    secret.versions.splice(index, 1);
  }
}

function secretValue(input: Json): Pick<StoredVersion, 'secretString' | 'secretBinary'> | undefined {
  const secretString = optionalString(input, 'SecretString');
  const secretBinary = optionalString(input, 'SecretBinary');
  if (secretString !== undefined && secretBinary !== undefined) {
    throw new AwsServiceError('InvalidParameterException', 'You must provide either SecretString or SecretBinary, but not both.');
  }
  if (secretString !== undefined) {
    if (Buffer.byteLength(secretString) > MAX_SECRET_BYTES) throw new AwsServiceError('ValidationException', 'SecretString exceeds 65536 bytes.');
    return { secretString };
  }
  if (secretBinary !== undefined) {
    if (Buffer.from(secretBinary, 'base64').length > MAX_SECRET_BYTES) throw new AwsServiceError('ValidationException', 'SecretBinary exceeds 65536 bytes.');
    return { secretBinary };
  }
  return undefined;
}

function sameValue(version: StoredVersion, value: Pick<StoredVersion, 'secretString' | 'secretBinary'>): boolean {
  return version.secretString === value.secretString && version.secretBinary === value.secretBinary;
}

/** The SDK fills ClientRequestToken with a UUID; AWS uses it as the VersionId. */
function requestToken(input: Json): string {
  const token = optionalString(input, 'ClientRequestToken') ?? randomUUID();
  if (token.length < 32 || token.length > 64) throw new AwsServiceError('ValidationException', 'ClientRequestToken must be 32 to 64 characters long.');
  return token;
}

function stringList(input: Json, field: string): string[] {
  const value = input[field];
  if (!Array.isArray(value) || value.length === 0 || !value.every((s): s is string => typeof s === 'string' && s !== '')) {
    throw new AwsServiceError('InvalidParameterException', `${field} must be a non-empty list of strings.`);
  }
  return value;
}

/** AWS appends six random characters so a re-created secret of the same name gets a new ARN. */
function arnSuffix(): string {
  return [...randomBytes(6)].map((byte) => ARN_SUFFIX_ALPHABET[byte % ARN_SUFFIX_ALPHABET.length]).join('');
}
