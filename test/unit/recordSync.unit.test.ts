/**
 * What a tab's session and another tab's shared record mean to each other: the state a tab
 * shares (never a token once signed off), when two are the same session (so nothing is sent or
 * published), and which records hand tokens to a waiting refresh.
 */
import { describe, expect, it } from 'vitest';
import { receivedOf, sameSession, stateOf, syncOf } from '../../src/coordination/recordSync.js';
import type { SharedRecord } from '../../src/cross-tab/sharedRecord.js';
import type { TokenSet } from '../../domain/tokens.js';
import { tokenSet } from '../support/crossTabStandIns.js';

const loggedIn = (accessToken: string): SharedRecord => ({
  version: 2,
  writer: 'other-tab',
  state: 'loggedIn',
  tokens: tokenSet(accessToken),
  lifetime: 60_000,
});
const signedOff = (state: 'loggedOut' | 'expired'): SharedRecord => ({
  version: 2,
  writer: 'other-tab',
  state,
  tokens: null,
  lifetime: null,
});

/** The machine's snapshot as crossTab reads it: the state it is in and its tokens. */
const snapshot = (state: 'expired' | 'loggedIn' | 'loggedOut', tokens: TokenSet | null) =>
  ({ matches: (name: string) => name === state, context: { tokens } }) as unknown as Parameters<typeof stateOf>[0];

describe('the state a tab shares', () => {
  it('an expired session is shared as expired, not logged out, and never with a token, even one still in its context', () => {
    expect(stateOf(snapshot('expired', null))).toEqual({ state: 'expired', accessToken: null });
    expect(stateOf(snapshot('expired', tokenSet('old')))).toEqual({ state: 'expired', accessToken: null });
  });

  it('with tokens it is logged in with its access token; without, logged out', () => {
    expect(stateOf(snapshot('loggedIn', tokenSet('current')))).toEqual({ state: 'loggedIn', accessToken: 'current' });
    expect(stateOf(snapshot('loggedOut', null))).toEqual({ state: 'loggedOut', accessToken: null });
  });
});

describe('the same session', () => {
  it('signed off on both sides is the same session, logged out and expired alike', () => {
    for (const local of ['loggedOut', 'expired'] as const) {
      for (const record of ['loggedOut', 'expired'] as const) {
        expect(sameSession({ state: local, accessToken: null }, signedOff(record))).toBe(true);
      }
    }
  });

  it('logged in on both sides: the same only with the same access token', () => {
    expect(sameSession({ state: 'loggedIn', accessToken: 'current' }, loggedIn('current'))).toBe(true);
    expect(sameSession({ state: 'loggedIn', accessToken: 'current' }, loggedIn('newer'))).toBe(false);
  });

  it('logged in on one side only is never the same session', () => {
    expect(sameSession({ state: 'loggedIn', accessToken: 'current' }, signedOff('loggedOut'))).toBe(false);
    expect(sameSession({ state: 'expired', accessToken: null }, loggedIn('current'))).toBe(false);
  });
});

describe('what a record hands to this tab', () => {
  it('a logged-in record hands over its tokens and their lifetime', () => {
    expect(receivedOf(loggedIn('newer'))).toEqual({ tokens: tokenSet('newer'), lifetime: 60_000 });
    expect(syncOf(loggedIn('newer'))).toEqual({
      type: 'SYNC',
      state: 'loggedIn',
      received: { tokens: tokenSet('newer'), lifetime: 60_000 },
    });
  });

  it('a signed-off record hands over no tokens (a waiting refresh must not take it as its answer), only the state', () => {
    expect(receivedOf(signedOff('loggedOut'))).toBeNull();
    expect(receivedOf(signedOff('expired'))).toBeNull();
    expect(syncOf(signedOff('expired'))).toEqual({ type: 'SYNC', state: 'expired' });
  });
});
