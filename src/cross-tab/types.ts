/** The part of the Web Locks API (`navigator.locks`) that crossTab uses. */
export interface LockRequestOptionsLike {
  mode?: 'exclusive';
  /** Take the lock from whoever holds it: their request rejects with an AbortError. */
  steal?: boolean;
  /** Get the lock only if it is free; the callback receives null otherwise. */
  ifAvailable?: boolean;
  /** Stop waiting: the request rejects with an AbortError unless it was granted. */
  signal?: AbortSignal;
}

export interface LockManagerLike {
  request<T>(name: string, options: LockRequestOptionsLike, callback: (lock: unknown) => T): Promise<Awaited<T>>;
}

/** The part of `BroadcastChannel` that crossTab uses. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

export interface CrossTabOptions {
  /** Names the lock, the channel and (without a `storage`) the localStorage key. Default 'tokenflight'. */
  name?: string;
  /**
   * How long (ms) a tab waits for another tab's refresh lock before it takes it: the holder is
   * frozen or hung. Default `refreshTimeout` + 2000, longer than any live holder keeps it.
   */
  stealAfter?: number;
  /** Default `navigator.locks`; tests pass an in-memory one. */
  locks?: LockManagerLike;
  /** Default `name => new BroadcastChannel(name)`. */
  channel?: (name: string) => ChannelLike;
}
