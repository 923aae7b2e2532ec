/**
 * A port whose adapter (and the AWS SDK clients behind it) loads on first use: each method is a
 * forwarder that `import()`s the adapter the first time any of them is called. The worker keeps
 * the clients most runbooks never touch (DRS, RDS, S3, CloudWatch) out of its cold start this
 * way (bench/cold-start.ts); a runbook that uses them pays the load once, on its first call.
 */

/** The method names of `T` (each returns a promise, as the cloud ports' methods do). */
type AsyncMethod<T> = {
  [K in keyof T]-?: NonNullable<T[K]> extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof T];

/**
 * Every method of the port, optional ones included: a record, so the compiler reports a method
 * added to the port and missing here (a forwarder left out would be `undefined` at run time).
 */
export type PortMethods<T> = Record<AsyncMethod<T>, true>;

/**
 * `load` runs once, on the first call of any method; a failed load is retried by the next call
 * (a transient error must not disable the port for the container's life).
 */
export function lazyPort<T extends object>(load: () => Promise<T>, methods: PortMethods<T>): T {
  let loading: Promise<T> | undefined;
  const adapter = (): Promise<T> => {
    if (!loading) {
      loading = load();
      loading.catch(() => {
        loading = undefined;
      });
    }
    return loading;
  };
  const port: Record<string, unknown> = {};
  for (const name of Object.keys(methods)) {
    port[name] = async (...args: unknown[]) => {
      const target = (await adapter()) as Record<string, unknown>;
      const method = target[name];
      if (typeof method !== 'function') throw new TypeError(`the loaded adapter has no ${name}()`);
      return method.apply(target, args);
    };
  }
  return port as T;
}
