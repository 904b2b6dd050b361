// Angular ships partially compiled: its JIT compiler must load before @angular/common does.
import '@angular/compiler';
import { HttpClient, provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { computed, runInInjectionContext } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthSession, type AuthSession } from 'tokenflight';
import {
  injectSession,
  injectSessionState,
  injectSessionStatus,
  provideTokenflight,
  tokenflightInterceptor,
} from 'tokenflight/angular';
import { angularInjector } from './support/angular.js';
import { appConfigFor, untouched } from './userCode/angularApp.js';
import { injectSignedIn } from './userCode/angularSignals.js';
import { API, useApi } from './support/api.js';
import { flush, refreshStub } from './support/refreshStub.js';

// The conformance table (adapters, challenges, refusalStorm, asyncAuthorize, cookieMode,
// integration.adapters) runs Angular's HttpClient with every other adapter; this file holds
// what only Angular has: its providers, its signals, cancelling by unsubscribing.
const { api, session: apiSession } = useApi();
const injectors = new Set<{ destroy(): void }>();
afterEach(() => {
  for (const injector of injectors) injector.destroy();
  injectors.clear();
});

function appWith(session: AuthSession) {
  const appConfig = appConfigFor(session);
  const injector = angularInjector(appConfig.providers);
  injectors.add(injector);
  return injector;
}

describe('tokenflight/angular', () => {
  it('shows the session as signals: the status signal changes only with the status', async () => {
    const stub = refreshStub();
    const session = createAuthSession({ refresh: stub.refresh });
    const injector = appWith(session);
    const seen: string[] = [];
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Angular's EnvironmentInjector implements its abstract Injector class without extending it
    const { status, signedIn, token } = runInInjectionContext(injector, () => {
      const status = injectSessionStatus();
      const signedIn = injectSignedIn();
      const state = injectSessionState();
      return { status, signedIn, token: computed(() => state().tokens?.accessToken ?? null) };
    });
    // A computed that counts how often the status signal told it something changed.
    let statusChanges = 0;
    const watched = computed(() => {
      statusChanges += 1;
      return status();
    });
    const read = () => {
      watched();
      seen.push(`${status()}:${token() ?? '-'}:${signedIn()}`);
    };
    read();
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Angular's EnvironmentInjector implements its abstract Injector class without extending it
    runInInjectionContext(injector, () => injectSession()).login({
      accessToken: 'a0',
      refreshToken: 'r0',
      expiresIn: 3600,
    });
    read();
    const refreshed = session.refresh();
    read();
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
    await refreshed;
    read();
    const changesBefore = statusChanges;
    // A token-only change (idle → idle with a new token): the status signal's readers hear nothing.
    session.login({ accessToken: 'a2', refreshToken: 'r2', expiresIn: 3600 });
    read();
    expect(statusChanges).toBe(changesBefore);
    session.logout();
    read();
    expect(seen).toEqual([
      'loggedOut:-:false',
      'idle:a0:true',
      'refreshing:a0:true',
      'idle:a1:true',
      'idle:a2:true',
      'loggedOut:-:false',
    ]);
    // Destroying the app ends its subscription: the signal keeps its last value.
    injector.destroy();
    injectors.delete(injector);
    session.login({ accessToken: 'a3' });
    expect(status()).toBe('loggedOut');
    session.stop();
  });

  it('sends a request marked SKIP_TOKENFLIGHT untouched', async () => {
    const session = apiSession({ refresh: refreshStub().refresh });
    const http = appWith(session).get(HttpClient);
    const marked = await firstValueFrom(http.get<{ authorization: string | null }>(`${API}/echo`, untouched));
    const plain = await firstValueFrom(http.get<{ authorization: string | null }>(`${API}/echo`));
    expect(marked.authorization).toBeNull();
    expect(plain.authorization).toBe('Bearer a0');
  });

  it('cancels by unsubscribing: a request that waited for a refresh is never sent', async () => {
    const stub = refreshStub();
    const session = apiSession({ refresh: stub.refresh });
    const http = appWith(session).get(HttpClient);
    const refreshed = session.refresh();
    const subscription = http.get(`${API}/secret`).subscribe();
    const kept = firstValueFrom(http.get<{ token: string }>(`${API}/secret`));
    await flush(20);
    subscription.unsubscribe();
    api.acceptOnly('a1');
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
    await refreshed;
    expect((await kept).token).toBe('a1');
    expect(api.arrivals).toHaveLength(1);
  });

  it('cancels a replay waiting for its slot, and frees the line for the next one', async () => {
    const stub = refreshStub();
    const session = apiSession({ refresh: stub.refresh });
    const injector = angularInjector([
      provideTokenflight(session, { origins: [API], maxConcurrentReplays: 1 }),
      provideHttpClient(withFetch(), withInterceptors([tokenflightInterceptor])),
    ]);
    injectors.add(injector);
    const http = injector.get(HttpClient);
    const refreshed = session.refresh();
    const first = firstValueFrom(http.get<{ token: string }>(`${API}/secret?seq=1`));
    const cancelled = http.get(`${API}/secret?seq=2`).subscribe();
    const third = firstValueFrom(http.get<{ token: string }>(`${API}/secret?seq=3`));
    await flush(20);
    api.acceptOnly('a1');
    api.holdNext(1);
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
    await refreshed;
    await flush(20);
    // The first replay holds the only slot; the second leaves the line while it waits.
    cancelled.unsubscribe();
    api.release();
    await Promise.all([first, third]);
    expect(api.arrivals.map((arrival) => arrival.seq)).toEqual(['1', '3']);
  });

  it('refuses what is not a session when the app is configured', () => {
    expect(() => provideTokenflight({} as AuthSession)).toThrow(
      "tokenflight: provideTokenflight's first argument (session) must be a session from createAuthSession(); call provideTokenflight(session, options), got an object",
    );
    const session = apiSession({ refresh: refreshStub().refresh });
    expect(() => provideTokenflight(session, { maxConcurrentReplays: 0 })).toThrow(
      'tokenflight: maxConcurrentReplays must be a whole number >= 1, got 0',
    );
  });
});
