// User code for docs/server.md (the BFF's page), as an app would write it; test/redis/bff.test.ts runs it
// against two BFF instances, Redis, oidc-provider and a resource server.
// --- snippet: bff-browser ---
// In the page: the BFF's cookie carries the session; the CSRF value is what tokenflight keeps and sends.
import { createAuthSession, headerScheme, RefreshRejectedError, type TokenInput } from 'tokenflight';
import { createAuthFetch } from 'tokenflight/fetch';
import { settings } from './bffSettings.js';

async function whoAmI(): Promise<TokenInput> {
  const response = await fetch(`${settings.bff}/session`, { credentials: 'include' });
  if (response.status === 401) throw new RefreshRejectedError('log in again');
  return response.json(); // { accessToken }: the CSRF value, kept and sent as a token is
}

export const session = createAuthSession({ tokens: await whoAmI(), refresh: whoAmI });
export const api = createAuthFetch(session, { scheme: headerScheme('X-CSRF-Token'), origins: settings.bffOrigins });
// --- end of snippet ---
