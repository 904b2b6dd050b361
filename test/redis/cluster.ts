// The cluster tests' hooks: each test starts its own world (clusterWorld.ts), stopped after it.
import { afterEach } from 'vitest';
import { startCluster, type Cluster, type ClusterOptions } from './clusterWorld.js';

export { SESSION_KEY, type Cluster, type Worker } from './clusterWorld.js';

export function useCluster(): (options: ClusterOptions) => Promise<Cluster> {
  const closers: Array<() => unknown> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  return (options) => startCluster(options, closers);
}

/** Settles with every outcome or throws when `promise` takes longer than `ms`: a hang is a failure. */
export function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
