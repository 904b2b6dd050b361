/** The stream pages' calls to the real auth API (the page's own origin): login and the session's refresh. */
import { RefreshRejectedError, type RefreshContext, type TokenInput } from 'tokenflight';

const post = (path: string, body: unknown, signal?: AbortSignal) =>
  fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });

export async function logIn(): Promise<TokenInput> {
  return (await (await post('/api/login', { username: 'ada' })).json()) as TokenInput;
}

export async function refresh({ refreshToken, signal }: RefreshContext): Promise<TokenInput> {
  const response = await post('/api/refresh', { refreshToken }, signal);
  if (response.status === 401) throw new RefreshRejectedError('refresh token rejected', { status: 401 });
  if (!response.ok)
    throw Object.assign(new Error(`refresh failed with ${response.status}`), { status: response.status });
  return (await response.json()) as TokenInput;
}
