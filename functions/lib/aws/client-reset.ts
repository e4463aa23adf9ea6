/**
 * Lets a client module that is loaded on demand (`await import()`, so its SDK stays out of a
 * function's cold start) be reset with the others by `resetClients()`. It is its own tiny module
 * so that such a client imports nothing else of clients.ts.
 */
const resets = new Set<() => void>();

/** Registers how to drop a cached client; called once when its module loads. */
export function onResetClients(reset: () => void): void {
  resets.add(reset);
}

/** Drops the cached clients of the on-demand modules loaded so far. */
export function resetOnDemandClients(): void {
  for (const reset of resets) reset();
}
