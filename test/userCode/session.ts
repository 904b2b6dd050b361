// User code for docs/frameworks.md, as an app would write it: the app's one session.
// --- snippet: app-session ---
// session.ts: one session for the whole app, created once when the module is first imported.
// Not in a component: a render or an effect may run twice.
import { createAuthSession, webStorage } from 'tokenflight';
import { refresh } from './refresh.js';

export const session = createAuthSession({ refresh, storage: webStorage(() => localStorage) });
// --- end of snippet ---
