// User code for docs/adapters.md, as an app would write it; test/cookieMode.test.ts runs it.
// --- snippet: cookie-scheme ---
import { headerScheme } from 'tokenflight';

// The CSRF token, held as the session's access token, goes in this header with every adapter.
export const scheme = headerScheme('X-CSRF-Token');
// --- end of snippet ---
