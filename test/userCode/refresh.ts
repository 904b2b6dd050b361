// User code for docs/frameworks.md and docs/tab-life.md, as an app would write it: the app's refresh call.
// --- snippet: app-refresh ---
// refresh.ts: your auth server's refresh call.
import { RefreshRejectedError, type RefreshContext, type TokenInput } from 'tokenflight';

const AUTH_SERVER = 'https://auth.example.com'; // your auth server

export async function refresh({ refreshToken, signal }: RefreshContext): Promise<TokenInput> {
  const response = await fetch(`${AUTH_SERVER}/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
    signal,
  });
  if (response.status === 401) throw new RefreshRejectedError(); // refused: the session expires
  if (!response.ok) throw Object.assign(new Error('refresh failed'), { status: response.status }); // retried
  return response.json(); // { accessToken, refreshToken?, expiresIn? } or the OAuth names
}
// --- end of snippet ---
