/**
 * What the composition root has built, kept for the life of the process (a warm Lambda reuses
 * it) and dropped by `resetPlatform`. Keyed by the factory that built the value, so every
 * factory stays a plain function declaration: esbuild drops the ones a handler never calls,
 * together with the classes only they construct.
 */
const built = new Map<Factory, { key: unknown; value: unknown }>();

type Factory = (...args: never[]) => unknown;

/** `build()` on the first call for `factory`, the same value afterwards. */
export function once<T>(factory: Factory, build: () => T): T {
  return onceFor(factory, undefined, build);
}

/** As `once`, but built again when `key` changes (the component credentials after a rotation). */
export function onceFor<T>(factory: Factory, key: unknown, build: () => T): T {
  const entry = built.get(factory);
  if (entry && entry.key === key) return entry.value as T;
  const value = build();
  built.set(factory, { key, value });
  return value;
}

/** For tests and the local runtime after the environment changed: everything is built again on next use. */
export function resetPlatform(): void {
  built.clear();
}
