import { AsyncLocalStorage } from 'node:async_hooks';

type InvocationData = Record<string | symbol, unknown>;

/**
 * What Lambda's Node.js runtime provides as `globalThis.awslambda.InvokeStore` when one
 * execution environment serves several invocations at once (Lambda Managed Instances, with
 * `AWS_LAMBDA_MAX_CONCURRENCY` set): storage per invocation. Powertools Logger and Metrics
 * then keep each invocation's log keys, Lambda context and buffered metrics there.
 *
 * The local runtime is such an environment — every handler and every invocation in one
 * process — so it provides the same; without it, overlapping invocations would share one
 * set of log keys and one metrics buffer. Code running outside any invocation (a test, the
 * runtime itself) shares one fallback store, as it would with no store at all.
 */
class LocalInvokeStore {
  private readonly invocations = new AsyncLocalStorage<InvocationData>();
  private readonly outside: InvocationData = {};

  private current(): InvocationData {
    return this.invocations.getStore() ?? this.outside;
  }

  getContext(): InvocationData | undefined {
    return this.invocations.getStore();
  }

  hasContext(): boolean {
    return this.invocations.getStore() !== undefined;
  }

  get<T = unknown>(key: string | symbol): T | undefined {
    return this.current()[key] as T | undefined;
  }

  set<T = unknown>(key: string | symbol, value: T): void {
    this.current()[key] = value;
  }

  getRequestId(): string {
    return String(this.current()[REQUEST_ID] ?? '-');
  }

  getXRayTraceId(): string | undefined {
    return undefined;
  }

  run<T>(data: InvocationData, invoke: () => T): T {
    return this.invocations.run(data, invoke);
  }
}

/** The key Lambda's runtime stores the request id under. */
const REQUEST_ID = Symbol.for('_AWS_LAMBDA_REQUEST_ID');

interface LambdaGlobal {
  awslambda?: { InvokeStore?: unknown };
}

let store: LocalInvokeStore | undefined;

/** Makes this process keep invocations apart from now on, as a Managed Instances environment does. */
export function enableInvocationIsolation(maxConcurrency = 64): void {
  store ??= new LocalInvokeStore();
  const lambdaGlobal = globalThis as LambdaGlobal;
  lambdaGlobal.awslambda = { ...lambdaGlobal.awslambda, InvokeStore: store };
  process.env.AWS_LAMBDA_MAX_CONCURRENCY = String(maxConcurrency);
}

/** Runs one invocation with storage of its own (or as is, before isolation was enabled). */
export function runInvocation<T>(requestId: string, invoke: () => T): T {
  return store ? store.run({ [REQUEST_ID]: requestId }, invoke) : invoke();
}
