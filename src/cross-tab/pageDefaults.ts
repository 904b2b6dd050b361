import type { SharedTokenStorage } from './sharedRecord.js';
import { sharedWebStorage } from './sharedWebStorage.js';
import type { ChannelLike, LockManagerLike } from './types.js';

let warned = false;

/** Says once per page why this session runs alone; never mentions a token. */
export function warnSingleTab(missing: string): void {
  if (warned) return;
  warned = true;
  console.warn(`tokenflight: crossTab is off, ${missing}; each tab refreshes on its own.`);
}

/** For tests: the next fallback warns again. */
export function resetCrossTabWarning(): void {
  warned = false;
}

export function randomWriter(): string {
  return Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
}

export function defaultLocks(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks;
}

export function defaultChannel(): ((name: string) => ChannelLike) | undefined {
  const Channel = (globalThis as { BroadcastChannel?: new (name: string) => ChannelLike }).BroadcastChannel;
  return Channel ? (name) => new Channel(name) : undefined;
}

export function defaultSharedStorage(key: string): SharedTokenStorage | undefined {
  try {
    const local = (globalThis as { localStorage?: Storage }).localStorage;
    return local ? sharedWebStorage(local, key) : undefined;
  } catch {
    // Opaque origins and blocked storage throw on access.
    return undefined;
  }
}
