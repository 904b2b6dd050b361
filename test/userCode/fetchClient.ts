// User code for docs/adapters.md, as an app would write it; test/adaptersReadme.test.ts runs it.
// --- snippet: fetch ---
import { createAuthSession, RefreshRejectedError } from 'tokenflight';
import { createAuthFetch } from 'tokenflight/fetch';

const API = 'https://api.test'; // your API's origin

export const session = createAuthSession({
  // Plain fetch: the refresh call never passes through authFetch.
  refresh: async ({ refreshToken, signal }) => {
    const response = await fetch(`${API}/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
      signal,
    });
    if (response.status === 401) throw new RefreshRejectedError();
    if (!response.ok) throw Object.assign(new Error(`refresh failed: ${response.status}`), { status: response.status });
    return response.json();
  },
});
export const authFetch = createAuthFetch(session, { origins: [API], maxConcurrentReplays: 6 });

// After your login: session.login(tokens); then
export const getSecret = async () => (await authFetch(`${API}/secret`)).json();
// --- end of snippet ---
