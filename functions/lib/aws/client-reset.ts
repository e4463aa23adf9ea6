/**
 * Lets a client module that is loaded on demand (`await import()`, so its SDK stays out of a
 * function's cold start) be reset with the others by `resetClients()`. It is its own tiny module
 * so that such a client imports nothing else of clients.ts.
 */
const resets = new Set<() => void>();

/**
 * A client built on first use and shared per process (a warm Lambda reuses its connections),
 * dropped by `resetClients()` so the next use reads the configuration again.
 */
export function resettableClient<T>(create: () => T): () => T {
  let client: T | undefined;
  resets.add(() => {
    client = undefined;
  });
  return () => (client ??= create());
}

/** Drops the cached clients of the on-demand modules loaded so far. */
export function resetOnDemandClients(): void {
  for (const reset of resets) reset();
}
