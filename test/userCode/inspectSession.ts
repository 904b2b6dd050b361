// User code for docs/machine.md, as an app would write it (with Vite); test/docsExamples.test.ts runs it.
/// <reference types="vite/client" />
// --- snippet: inspect ---
import { createBrowserInspector } from '@statelyai/inspect';
import { createAuthSession } from 'tokenflight';
import { inspect } from 'tokenflight/inspect';
import { refresh } from './refresh.js'; // your auth server's refresh call

// Development only: it opens https://stately.ai/inspect in a new window (Vite's DEV flag here).
const inspector = import.meta.env.DEV ? createBrowserInspector() : undefined;

export const session = createAuthSession({
  refresh,
  plugins: inspector ? [inspect(inspector.inspect)] : [],
});
// --- end of snippet ---
