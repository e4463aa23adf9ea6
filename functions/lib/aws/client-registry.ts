/**
 * The SDK clients of this process, one per service, each built on first use from
 * configuration and kept so a warm Lambda reuses its connections. One module per client
 * (dynamodb.ts, secrets-manager.ts, sfn.ts, s3.ts) so a function bundles the clients it uses
 * and no others; this registry lets `resetClients` drop them all at once.
 */
const clients = new Map<(...args: never[]) => unknown, unknown>();

export function sharedClient<T>(factory: (...args: never[]) => T, build: () => T): T {
  if (!clients.has(factory)) clients.set(factory, build());
  return clients.get(factory) as T;
}

/** For tests and the local runtime, after they change the environment. */
export function resetClients(): void {
  clients.clear();
}
