// User code for the README's ten-minute path, as an app would write it; test/quickStart.test.ts runs it
// against tokenflight/testing's auth server.
// --- snippet: quick-start ---
import { createAuthSession, webStorage, LoggedOutError, RefreshRejectedError, SessionExpiredError } from 'tokenflight';
import { createAuthFetch } from 'tokenflight/fetch';

export const API = 'https://api.example.test'; // your API

export const session = createAuthSession({
  // Called once per refresh, however many requests got a 401 at the same time.
  refresh: async ({ refreshToken, signal }) => {
    const response = await fetch(`${API}/api/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
      signal, // aborted on logout and after refreshTimeout
    });
    if (response.status === 401) throw new RefreshRejectedError(); // refused: the session expires
    if (!response.ok) throw Object.assign(new Error('refresh failed'), { status: response.status }); // 5xx: retried
    return response.json(); // { accessToken, refreshToken?, expiresIn? } or { access_token, refresh_token?, expires_in? }
  },
  storage: webStorage(() => localStorage), // survives a reload
});

// Only these origins get the token (in a browser the page's own origin is the default).
export const authFetch = createAuthFetch(session, { origins: [API] });
// --- end of snippet ---

// --- snippet: quick-start-login ---
export async function logIn(username: string, password: string) {
  const response = await fetch(`${API}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status}`);
  session.login(await response.json()); // loggedOut → idle
}
// --- end of snippet ---

// --- snippet: quick-start-logout ---
export async function logOut() {
  const refreshToken = session.tokens?.refreshToken;
  session.logout(); // forgets the tokens in this page; waiting requests reject with LoggedOutError
  // The server still accepts the refresh token until you tell it:
  await fetch(`${API}/api/logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
  });
}
// --- end of snippet ---

// --- snippet: quick-start-request ---
export async function loadSecret(): Promise<unknown> {
  try {
    const response = await authFetch(`${API}/api/secret`); // Authorization: Bearer <token>, refreshed when needed
    if (response.status === 401) return null; // a guest, or refused even with a fresh token: show the login screen
    return await response.json();
  } catch (error) {
    if (error instanceof SessionExpiredError || error instanceof LoggedOutError) return null; // ended while it waited
    throw error; // RefreshCooldownError, network errors: show "try again"
  }
}
// --- end of snippet ---
