import type { S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, ResourceNotFoundException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { BadRequestError, ConfigurationError, NotFoundError } from '../errors';
import { logger } from '../logger';
import type { PaymentRecord, PaymentStore } from '../store/payment-store';
import type { MerchantCertificate } from './p12';

export interface PaymentSettingsInput {
  mchId: string;
  apiKey?: string;
  apiV3Key?: string;
  p12?: Buffer;
  /** Defaults to the mch_id, as WeChat Pay issues it. */
  p12Password?: string;
}

/** What the admin API may show: metadata, never a key, password or certificate byte. */
export interface PaymentMetadata extends Pick<PaymentRecord, 'appId' | 'mchId' | 'hasApiKey' | 'hasApiV3Key' | 'updatedAt'> {
  certificate: Pick<MerchantCertificate, 'serialNumber' | 'notBefore' | 'notAfter'> | null;
}

export interface PaymentServiceDeps {
  store: PaymentStore;
  /** The S3 client, asked for only when a certificate is written or removed (the handler loads it on demand). */
  s3: () => S3Client | Promise<S3Client>;
  secrets: SecretsManagerClient;
  bucket: string | undefined;
  kmsKeyId: string | undefined;
  secretPrefix: string;
  now?: () => number;
}

/**
 * Payment settings per mini program (brief step 7): the P12 in S3, the keys in one Secrets
 * Manager secret per authorizer, metadata in the payment store. Everything is validated before the
 * first write; a failure part-way undoes what this call wrote. The P12 parser (node-forge, ~200 KB
 * minified) and the S3 code load with `await import()` on the calls that handle a certificate,
 * not at the function's cold start.
 */
export class PaymentService {
  private readonly now: () => number;

  constructor(private readonly deps: PaymentServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  async put(appId: string, input: PaymentSettingsInput): Promise<PaymentMetadata> {
    const previous = await this.stored(appId);
    if (!input.p12 && !input.apiKey && !input.apiV3Key) throw new BadRequestError('give at least one of p12, apiKey, apiV3Key', 'nothing_to_store');
    if (previous && previous.mchId !== input.mchId && !input.p12) {
      throw new BadRequestError(`changing the merchant from ${previous.mchId} to ${input.mchId} needs that merchant's P12`, 'p12_required');
    }
    const password = input.p12Password ?? input.mchId;
    const certificate = input.p12 ? (await import('./p12')).inspectMerchantP12(input.p12, password, input.mchId, new Date(this.now())) : undefined;
    const bucket = this.deps.bucket;
    if (input.p12 && !bucket) throw new ConfigurationError('PAYMENT_BUCKET is not configured');

    const undo: (() => Promise<unknown>)[] = [];
    try {
      let s3Key = previous?.s3Key;
      let s3VersionId = previous?.s3VersionId;
      if (input.p12 && bucket) {
        const key = `payment/${appId}/apiclient_cert.p12`;
        const [objects, s3] = await Promise.all([import('./certificate-object'), this.deps.s3()]);
        const versionId = await objects.putCertificate(s3, bucket, key, input.p12, this.deps.kmsKeyId);
        s3Key = key;
        s3VersionId = versionId;
        // Versioning keeps the previous certificate; undo removes only what this call added.
        undo.push(() => objects.deleteCertificate(s3, bucket, key, versionId));
      }
      // Keys not sent again are kept from the current secret (same merchant only).
      const kept = previous && previous.mchId === input.mchId ? await this.currentSecret(previous.secretArn) : {};
      const secret = {
        ...kept,
        mchId: input.mchId,
        ...(input.apiKey ? { apiKey: input.apiKey } : {}),
        ...(input.apiV3Key ? { apiV3Key: input.apiV3Key } : {}),
        ...(input.p12 ? { p12Password: password } : {}),
      };
      const secretValue = JSON.stringify(secret);
      const secretArn = await this.writeSecret(appId, secretValue, undo);
      const metadata: PaymentRecord = {
        appId,
        mchId: input.mchId,
        certificate: certificate ? { serialNumber: certificate.serialNumber, notBefore: certificate.notBefore, notAfter: certificate.notAfter } : (previous?.certificate ?? null),
        hasApiKey: Boolean(secret.apiKey),
        hasApiV3Key: Boolean(secret.apiV3Key),
        updatedAt: new Date(this.now()).toISOString(),
        secretArn,
        ...(s3Key ? { s3Key } : {}),
        ...(s3VersionId ? { s3VersionId } : {}),
      };
      await this.deps.store.put(metadata);
      return toMetadata(metadata);
    } catch (error) {
      for (const step of undo.reverse()) {
        try {
          await step();
        } catch (undoError) {
          logger.error('could not undo a payment write', { authorizerAppId: appId, message: (undoError as Error).message });
        }
      }
      throw error;
    }
  }

  async get(appId: string): Promise<PaymentMetadata> {
    const stored = await this.stored(appId);
    if (!stored) throw new NotFoundError(`no payment settings for ${appId}`);
    return toMetadata(stored);
  }

  /** Removes the certificate, the secret (recoverable for 7 days, like any deleted secret) and the metadata. */
  async delete(appId: string): Promise<void> {
    const stored = await this.stored(appId);
    if (!stored) throw new NotFoundError(`no payment settings for ${appId}`);
    if (stored.s3Key && this.deps.bucket) {
      const [objects, s3] = await Promise.all([import('./certificate-object'), this.deps.s3()]);
      await objects.deleteCertificate(s3, this.deps.bucket, stored.s3Key);
    }
    await this.deps.secrets.send(new DeleteSecretCommand({ SecretId: stored.secretArn, RecoveryWindowInDays: 7 })).catch((error: unknown) => {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    });
    await this.deps.store.delete(appId);
  }

  private async writeSecret(appId: string, value: string, undo: (() => Promise<unknown>)[]): Promise<string> {
    const name = `${this.deps.secretPrefix}${appId}`;
    try {
      const existing = await this.deps.secrets.send(new DescribeSecretCommand({ SecretId: name }));
      if (existing.DeletedDate) throw new BadRequestError('the previous payment secret is being deleted; restore it or wait for the deletion', 'secret_pending_deletion');
      // A new version; the previous one stays retrievable as AWSPREVIOUS.
      await this.deps.secrets.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
      return existing.ARN ?? name;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      const created = await this.deps.secrets.send(new CreateSecretCommand({ Name: name, SecretString: value, ...(this.deps.kmsKeyId ? { KmsKeyId: this.deps.kmsKeyId } : {}) }));
      undo.push(() => this.deps.secrets.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true })));
      return created.ARN ?? name;
    }
  }

  private async currentSecret(secretId: string): Promise<Record<string, string>> {
    try {
      const { SecretString } = await this.deps.secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
      return JSON.parse(SecretString ?? '{}') as Record<string, string>;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return {};
      throw error;
    }
  }

  private stored(appId: string): Promise<PaymentRecord | undefined> {
    return this.deps.store.get(appId);
  }
}

function toMetadata(stored: PaymentRecord): PaymentMetadata {
  return { appId: stored.appId, mchId: stored.mchId, certificate: stored.certificate, hasApiKey: stored.hasApiKey, hasApiV3Key: stored.hasApiV3Key, updatedAt: stored.updatedAt };
}
