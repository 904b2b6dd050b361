// User code for docs/multiple-tabs.md, as an app would write it; test/docsExamples.test.ts runs it.
// --- snippet: cross-tab ---
import { createAuthSession, webStorage } from 'tokenflight';
import { crossTab } from 'tokenflight/cross-tab';
import { refresh } from './refresh.js'; // your auth server's refresh call

export const session = createAuthSession({
  refresh,
  storage: webStorage(localStorage, 'my-app-auth'),
  plugins: [crossTab()], // or crossTab({ name: 'my-app' })
});
// --- end of snippet ---
