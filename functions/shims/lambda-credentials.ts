import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in Lambda bundles (infra/bundling.ts `alias`).
 *
 * Every SDK client's default credential chain starts with the environment, and Lambda puts its
 * execution role's credentials there (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN) — as the local runtime does with its dummy ones. The rest of the chain
 * (shared ini files, SSO, web identity, process, container and instance metadata, with the
 * STS/SSO clients they bring) can never answer inside Lambda and was ~150 KB of every bundle.
 * Tests and the local runtime run the source, with the full chain.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
