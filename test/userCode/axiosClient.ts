// User code for docs/adapters.md, as an app would write it; test/adaptersReadme.test.ts runs it.
// --- snippet: axios ---
import axios from 'axios';
import { createAuthSession } from 'tokenflight';
import { attachAuth } from 'tokenflight/axios';

export const api = axios.create({ baseURL: 'https://api.test' }); // your API
export const session = createAuthSession({
  // The marker keeps the refresh call itself out of the interceptors.
  refresh: async ({ refreshToken, signal }) =>
    (await api.post('/refresh', { refreshToken }, { signal, tokenflight: { skip: true } })).data,
});
export const detach = attachAuth(session, api, { maxConcurrentReplays: 6 }); // origins default to baseURL's

// After your login: session.login(tokens); then
export const getSecret = async () => (await api.get('/secret')).data;
// --- end of snippet ---
