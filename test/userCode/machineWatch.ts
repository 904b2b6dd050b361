// User code for docs/frameworks.md (anything else), as an app would write it; test/actor.test.ts runs it.
// --- snippet: xstate-actor ---
import { waitFor } from 'xstate';
import { session } from './session.js';

// The machine's states as they change, e.g. for a debug panel:
export const states: unknown[] = [];
export const subscription = session.actor.subscribe((snapshot) => states.push(snapshot.value));

// Resolves when the machine is idle again with an access token other than `previous`:
export const refreshedFrom = (previous: string | undefined) =>
  waitFor(session.actor, (snapshot) => snapshot.matches('idle') && snapshot.context.tokens?.accessToken !== previous, {
    timeout: 10_000,
  });
// --- end of snippet ---
