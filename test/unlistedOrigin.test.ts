/**
 * An API on another origin gets no token unless it is in `origins`, silently in production. In
 * development the adapter says so once per origin, without the token; production bundles drop
 * the warning entirely (test/bundleSize.test.ts).
 */
import axios from 'axios';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { attachAuth } from 'tokenflight/axios';
import { createAuthFetch } from 'tokenflight/fetch';
import { RefreshRejectedError } from 'tokenflight';
import { API, ELSEWHERE, useApi } from './support/api.js';
import { asJsonObject } from './support/json.js';

const { session } = useApi();
const refresh = async () => ({ accessToken: 'a1' });
const MESSAGE = `tokenflight: no token for ${ELSEWHERE} (not in origins); pass origins: [...] to send one`;

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('a request to an origin outside origins, in development', () => {
  it('warns once per origin per adapter while the session holds a token, never with the token', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const held = session({ refresh });
    const authFetch = createAuthFetch(held, { origins: [API] });

    for (let i = 0; i < 3; i++)
      expect(asJsonObject(await (await authFetch(`${ELSEWHERE}/echo?seq=${i}`)).json()).authorization).toBeNull();
    await authFetch(`${API}/secret`);
    expect(warn.mock.calls).toEqual([[MESSAGE]]);
    expect(JSON.stringify(warn.mock.calls)).not.toMatch(/a0|r0/);

    const api = axios.create();
    attachAuth(held, api, { origins: [API] });
    await api.get(`${ELSEWHERE}/echo`);
    await api.get(`${ELSEWHERE}/echo`);
    expect(warn.mock.calls).toEqual([[MESSAGE], [MESSAGE]]);
  });

  it('stays quiet for a guest, an allowed origin, and in production', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const guest = session({ refresh });
    guest.logout();
    await createAuthFetch(guest, { origins: [API] })(`${ELSEWHERE}/echo`);
    await createAuthFetch(session({ refresh }), { origins: [API, ELSEWHERE] })(`${ELSEWHERE}/echo`);
    vi.stubEnv('NODE_ENV', 'production');
    await createAuthFetch(session({ refresh }), { origins: [API] })(`${ELSEWHERE}/echo`);
    expect(warn).not.toHaveBeenCalled();
  });

  it('stays quiet once the session expired, and for a URL that has no origin (data:)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const fetch = async () => new Response('plain');
    const expired = session({
      refresh: async () => {
        throw new RefreshRejectedError();
      },
    });
    await expect(expired.refresh()).rejects.toMatchObject({ name: 'SessionExpiredError' });
    expect(expired.status).toBe('expired');
    await createAuthFetch(expired, { origins: [API], fetch })(`${ELSEWHERE}/echo`);
    expect(
      await (await createAuthFetch(session({ refresh }), { origins: [API], fetch })('data:text/plain,hello')).text(),
    ).toBe('plain');
    expect(warn).not.toHaveBeenCalled();
  });
});
