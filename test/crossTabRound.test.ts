/**
 * One refresh round per origin: five sessions sharing in-memory Web Locks, one localStorage and
 * real Node BroadcastChannels, as five tabs would, against a refresh endpoint that is down.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthSession, type AuthSession } from 'tokenflight';
import { crossTab } from 'tokenflight/cross-tab';
import { webStorage } from 'tokenflight';
import { createAuthBackend } from 'tokenflight/testing';
import { RefreshCooldownError } from 'tokenflight';
import { RefreshRejectedError } from 'tokenflight';
import { MapStorage } from './support/mapStorage.js';
import { PROBE_INTERVAL } from '../machines/delays.js';
import { memoryLocks } from './support/memoryLocks.js';

/** What the refresh endpoint throws while it answers 503. */
class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError';
  readonly status = 503;
}

const open: AuthSession[] = [];
afterEach(() => {
  for (const session of open.splice(0)) session.stop();
});

let worlds = 0;

/** Tabs of one origin, and a refresh endpoint that can be taken down; `attempts` counts what reached it. */
function origin({ retries = 2, failureCooldown = 60_000 } = {}) {
  const name = `round-test-${process.pid}-${++worlds}`;
  const backend = createAuthBackend();
  const local = new MapStorage();
  const locks = memoryLocks();
  const server = { down: false, attempts: 0 };
  const tab = () => {
    const session = createAuthSession({
      storage: webStorage(local, name),
      refreshTimeout: 2_000,
      retry: { retries, minDelay: 20, maxDelay: 40 },
      failureCooldown,
      async refresh({ refreshToken }) {
        server.attempts += 1;
        if (server.down) throw new ServiceUnavailableError('refresh failed (503)');
        const result = await backend.refresh(refreshToken);
        if (!result.ok) throw new RefreshRejectedError(result.reason, { status: 401 });
        return result.tokens;
      },
      plugins: [crossTab({ name, locks: locks.manager })],
    });
    open.push(session);
    return session;
  };
  return { backend, server, tab };
}

/** Each promise's outcome: the access token, or the error's class name and its cause's. */
async function outcomes(promises: Promise<{ accessToken: string }>[]) {
  const settled = await Promise.allSettled(promises);
  return settled.map((result) => {
    if (result.status === 'fulfilled') return result.value.accessToken;
    const error = result.reason as Error;
    return `${error.name} (cause ${(error.cause as Error | undefined)?.name})`;
  });
}

describe('one refresh round per origin', () => {
  it('five tabs and a server that answers 503: retries + 1 attempts in all, and every tab ends the round with the same error', async () => {
    const { backend, server, tab } = origin({ retries: 2 });
    const tabs = Array.from({ length: 5 }, tab);
    const issued = await backend.login('ada');
    tabs[0]!.login(issued);
    await vi.waitFor(() => {
      for (const session of tabs) expect(session.tokens?.accessToken).toBe(issued.accessToken);
    });
    server.down = true;

    const waiting = tabs.flatMap((session) => [
      session.unauthorized(issued.accessToken),
      session.unauthorized(issued.accessToken),
    ]);
    const ended = await outcomes(waiting);

    expect(server.attempts).toBe(3);
    expect(ended).toEqual(waiting.map(() => 'RefreshCooldownError (cause ServiceUnavailableError)'));
    // The cooldown holds every tab: a new 401 anywhere is refused without a call.
    const during = await outcomes(tabs.map((session) => session.unauthorized(issued.accessToken)));
    expect(during).toEqual(tabs.map(() => 'RefreshCooldownError (cause ServiceUnavailableError)'));
    expect(server.attempts).toBe(3);

    // The server is back; one explicit refresh serves every tab.
    server.down = false;
    const fresh = await tabs[2]!.refresh();
    await vi.waitFor(() => {
      for (const session of tabs) expect(session.tokens?.accessToken).toBe(fresh.accessToken);
    });
    const after = await outcomes(tabs.map((session) => session.getToken()));
    expect(after).toEqual(tabs.map(() => fresh.accessToken));
    expect(server.attempts).toBe(4);
    expect(backend.stats()).toMatchObject({ refreshOk: 1, reuseDetected: 0 });
  });

  it('a round that gave up in another tab fails a tab that was idle at once, with the same error and no call', async () => {
    const { backend, server, tab } = origin({ retries: 1 });
    const [a, b] = [tab(), tab()];
    const issued = await backend.login('ada');
    a.login(issued);
    await vi.waitFor(() => expect(b.tokens?.accessToken).toBe(issued.accessToken));
    server.down = true;

    await expect(a.unauthorized(issued.accessToken)).rejects.toBeInstanceOf(RefreshCooldownError);
    expect(server.attempts).toBe(2);
    const late = b.unauthorized(issued.accessToken);

    await expect(late).rejects.toBeInstanceOf(RefreshCooldownError);
    await expect(late).rejects.toMatchObject({ cause: { name: 'ServiceUnavailableError' } });
    expect(server.attempts).toBe(2);
  });

  it('during the cooldown the tabs probe: at most one attempt per PROBE_INTERVAL for the origin, and every tab is back within 2.5 s of the server', async () => {
    const { backend, server, tab } = origin({ retries: 1 });
    const tabs = [tab(), tab(), tab()];
    const issued = await backend.login('ada');
    tabs[0]!.login(issued);
    await vi.waitFor(() => {
      for (const session of tabs) expect(session.tokens?.accessToken).toBe(issued.accessToken);
    });
    server.down = true;
    await expect(tabs[0]!.unauthorized(issued.accessToken)).rejects.toBeInstanceOf(RefreshCooldownError);
    expect(server.attempts).toBe(2);

    // Every tab needs a new token every 100 ms; the server stays down for 5 s more.
    let servedAt: number | null = null;
    const ask = () => {
      for (const session of tabs) {
        session.unauthorized(issued.accessToken).then(
          () => (servedAt ??= Date.now()),
          () => {},
        );
      }
    };
    const asking = setInterval(ask, 100);
    try {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      // Three tabs, each probing on its own, would have made six attempts or more.
      expect(server.attempts - 2).toBeGreaterThanOrEqual(1);
      expect(server.attempts - 2).toBeLessThanOrEqual(Math.ceil(5_000 / PROBE_INTERVAL));
      server.down = false;
      const backAt = Date.now();
      await vi.waitFor(() => expect(servedAt).not.toBeNull(), { timeout: 4_000, interval: 20 });
      expect(servedAt! - backAt).toBeLessThanOrEqual(2_500);
    } finally {
      clearInterval(asking);
    }
    await vi.waitFor(() => {
      for (const session of tabs) expect(session.tokens?.accessToken).not.toBe(issued.accessToken);
    });
    expect(backend.stats()).toMatchObject({ refreshOk: 1, reuseDetected: 0 });
  }, 15_000);
});
