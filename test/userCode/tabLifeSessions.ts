// User code for docs/tab-life.md, as an app would write it; test/docsExamples.test.ts runs it.
// --- snippet: tab-life ---
import { createAuthSession } from 'tokenflight';
import { refresh } from './refresh.js'; // your auth server's refresh call

// The defaults, written out:
export const session = createAuthSession({ refresh, tabLife: { wakeCheckInterval: 10_000, wakeLateBy: 30_000 } });
// Or off:
export const withoutTabLife = createAuthSession({ refresh, tabLife: false });
// --- end of snippet ---
