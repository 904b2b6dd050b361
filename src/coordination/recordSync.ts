import type { Actor } from 'xstate';
import type { authSessionMachine } from '../../machines/authSession.js';
import type { SyncEvent } from '../../machines/authSessionTypes.js';
import type { ReceivedTokens } from '../../domain/tokens.js';
import type { SharedRecord, SharedState } from './sharedRecord.js';

type Snapshot = ReturnType<Actor<typeof authSessionMachine>['getSnapshot']>;

export function stateOf(snapshot: Snapshot): { state: SharedState; accessToken: string | null } {
  if (snapshot.matches('expired')) return { state: 'expired', accessToken: null };
  const tokens = snapshot.context.tokens;
  return tokens ? { state: 'loggedIn', accessToken: tokens.accessToken } : { state: 'loggedOut', accessToken: null };
}

/** Same session: the same tokens, or no tokens on either side (logged out and expired alike). */
export function sameSession(local: { state: SharedState; accessToken: string | null }, record: SharedRecord): boolean {
  if (local.state !== 'loggedIn' || record.state !== 'loggedIn')
    return local.state !== 'loggedIn' && record.state !== 'loggedIn';
  return local.accessToken === record.tokens?.accessToken;
}

export function receivedOf(record: SharedRecord): ReceivedTokens | null {
  return record.state === 'loggedIn' && record.tokens ? { tokens: record.tokens, lifetime: record.lifetime } : null;
}

/** What another tab's record means to this tab's machine (null: a login without tokens, which parsing never lets through). */
export function syncOf(record: SharedRecord): SyncEvent | null {
  if (record.state !== 'loggedIn') return { type: 'SYNC', state: record.state };
  const received = receivedOf(record);
  return received && { type: 'SYNC', state: 'loggedIn', received };
}
