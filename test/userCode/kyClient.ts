// User code for docs/adapters.md, as an app would write it; test/adaptersReadme.test.ts runs it.
// --- snippet: ky ---
import ky from 'ky';
import { createAuthSession } from 'tokenflight';
import { authHooks } from 'tokenflight/ky';

const API = 'https://api.test'; // your API's origin

const base = ky.create({ prefixUrl: API });
export const session = createAuthSession({
  // The plain instance: the refresh call itself never goes through the hooks.
  refresh: ({ refreshToken, signal }) => base.post('refresh', { json: { refreshToken }, signal }).json(),
});
export const api = base.extend({ hooks: authHooks(session, { origins: [API], maxConcurrentReplays: 6 }) });

// After your login: session.login(tokens); then
export const getSecret = () => api.get('secret').json();
// --- end of snippet ---
