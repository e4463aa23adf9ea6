import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { config } from '../config';
import { sharedClient } from './client-registry';

/** `SECRETS_MANAGER_ENDPOINT` points it at a local stand-in; without it, the regional service. */
export function secretsManagerClient(): SecretsManagerClient {
  return sharedClient(secretsManagerClient, () => {
    const { SECRETS_MANAGER_ENDPOINT, AWS_REGION } = config();
    return new SecretsManagerClient({ region: AWS_REGION, ...(SECRETS_MANAGER_ENDPOINT ? { endpoint: SECRETS_MANAGER_ENDPOINT } : {}) });
  });
}
