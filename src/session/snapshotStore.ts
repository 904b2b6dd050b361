import type { AuthStatus } from '../../machines/authSessionTypes.js';
import type { TokenSet } from '../../domain/tokens.js';
import type { AuthSessionActor, SessionSnapshot } from './sessionTypes.js';

export interface SnapshotStore {
  /** The same object until the status or tokens change. */
  read: () => SessionSnapshot;
  /** Called at once and on every change; returns the unsubscribe function. */
  subscribe: (listener: (snapshot: SessionSnapshot) => void) => () => void;
  /** Stops following the actor and drops every listener; later subscribers get one call. */
  close(): void;
}

/** The session's status and tokens as one frozen object, and who listens to its changes. */
export function createSnapshotStore(
  actor: AuthSessionActor,
  onTokens: (tokens: TokenSet | null) => void,
): SnapshotStore {
  // Undefined only until the first read, below.
  let snapshot: SessionSnapshot | undefined;
  // Undefined once closed: later subscribers are not kept.
  let listeners: Set<(snapshot: SessionSnapshot) => void> | undefined = new Set();

  function read(): SessionSnapshot {
    const {
      value,
      context: { tokens },
    } = actor.getSnapshot();
    // A compound state's value is `{ idle: 'waiting' }`: its status is the key.
    const status = (typeof value === 'string' ? value : Object.keys(value)[0]) as AuthStatus;
    if (status !== snapshot?.status || tokens !== snapshot.tokens) {
      snapshot = Object.freeze({ status, tokens });
    }
    return snapshot;
  }
  read();

  const following = actor.subscribe(() => {
    const before = snapshot;
    const after = read();
    if (after === before) return;
    if (after.tokens !== before?.tokens) onTokens(after.tokens);
    for (const listener of [...(listeners ?? [])]) listener(after);
  });

  return {
    read,
    subscribe(listener) {
      listeners?.add(listener);
      listener(read());
      return () => {
        listeners?.delete(listener);
      };
    },
    close() {
      following.unsubscribe();
      listeners = undefined;
    },
  };
}
