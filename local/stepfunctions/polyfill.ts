/**
 * aws-local-stepfunctions 3.x calls `Promise.withResolvers()` (Node 22+) inside every Task
 * state. On Node 20 that throws a TypeError, which the library reports as a failure of the
 * Task, so a `States.ALL` Catch would silently swallow every task. Import this module before
 * the library runs anything.
 */
interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

type WithResolvers = <T>(this: PromiseConstructor) => Resolvers<T>;

const PromiseWithResolvers = Promise as PromiseConstructor & { withResolvers?: WithResolvers };

if (typeof PromiseWithResolvers.withResolvers !== 'function') {
  const withResolvers: WithResolvers = function <T>(this: PromiseConstructor): Resolvers<T> {
    let resolve!: Resolvers<T>['resolve'];
    let reject!: Resolvers<T>['reject'];
    // `this` as the constructor, as the spec does, so subclasses keep working.
    const promise = new this<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
  Object.defineProperty(Promise, 'withResolvers', { value: withResolvers, configurable: true, writable: true });
}

export {};
