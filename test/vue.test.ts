// @vitest-environment jsdom
import { createApp, defineComponent, effectScope, h, nextTick, onUpdated, type Component } from 'vue';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createAuthSession, type AuthSession } from 'tokenflight';
import { injectSession, tokenflight, useSession } from 'tokenflight/vue';
import { refreshStub } from './support/refreshStub.js';
import { session as appSession } from './userCode/session.js';
import { Account, StatusBadge } from './userCode/vueComponents.js';

const sessions: AuthSession[] = [];
afterAll(() => appSession.stop());
afterEach(() => {
  for (const session of sessions.splice(0)) session.stop();
});

function guestSession() {
  const stub = refreshStub();
  const session = createAuthSession({ refresh: stub.refresh });
  sessions.push(session);
  return { session, stub };
}

const tokens = (n: number) => ({ accessToken: `a${n}`, refreshToken: `r${n}`, expiresIn: 3600 });

function mount(component: Component, session?: AuthSession) {
  const host = document.createElement('div');
  const app = createApp(component);
  if (session) app.use(tokenflight(session));
  app.mount(host);
  return { host, app };
}

describe('tokenflight/vue', () => {
  it('useSession is a shallowRef that re-renders a component on each change', async () => {
    const { session, stub } = guestSession();
    const seen: string[] = [];
    const Badge = defineComponent(() => {
      const auth = useSession(session);
      onUpdated(() => seen.push(`${auth.value.status}:${auth.value.tokens?.accessToken ?? '-'}`));
      return () => h('span', auth.value.status);
    });
    const { host, app } = mount(Badge);
    expect(host.textContent).toBe('loggedOut');
    session.login(tokens(0));
    await nextTick();
    expect(host.textContent).toBe('idle');
    const refreshed = session.refresh();
    await nextTick();
    expect(host.textContent).toBe('refreshing');
    stub.last().answer.resolve(tokens(1));
    await refreshed;
    await nextTick();
    session.logout();
    await nextTick();
    expect(host.textContent).toBe('loggedOut');
    expect(seen).toEqual(['idle:a0', 'refreshing:a0', 'idle:a1', 'loggedOut:-']);
    app.unmount();
  });

  it('a component that selects the status does not re-render when only the tokens change', async () => {
    const session = appSession; // the app's session (test/userCode/session.ts), which StatusBadge reads
    let updates = 0;
    const Counted = defineComponent(() => {
      onUpdated(() => (updates += 1));
      return () => h(StatusBadge);
    });
    const Probe = defineComponent(() => {
      const status = useSession(session, (snapshot) => snapshot.status);
      onUpdated(() => (updates += 1));
      return () => h('b', [status.value, h(Counted)]);
    });
    const { host, app } = mount(Probe);
    session.login(tokens(0));
    await nextTick();
    expect(updates).toBe(1);
    session.login(tokens(1));
    session.login(tokens(2));
    await nextTick();
    expect(updates).toBe(1);
    expect(host.textContent).toBe('idleidle');
    session.logout();
    await nextTick();
    expect(updates).toBe(2);
    app.unmount();
  });

  it('stops listening when its scope ends, and refuses to start outside one or without a session', () => {
    const { session } = guestSession();
    const scope = effectScope();
    const auth = scope.run(() => useSession(session));
    session.login(tokens(0));
    expect(auth?.value.status).toBe('idle');
    scope.stop();
    session.logout();
    expect(auth?.value.status).toBe('idle');
    expect(() => useSession(session)).toThrow(
      "tokenflight: useSession must be called in a component's setup or an effectScope",
    );
    expect(() => effectScope().run(() => useSession(undefined as unknown as AuthSession))).toThrow(
      "tokenflight: useSession's first argument (session) must be a session from createAuthSession(); call useSession(session, options), got undefined",
    );
    expect(() => tokenflight({} as AuthSession)).toThrow(
      "tokenflight: tokenflight's first argument (session) must be a session from createAuthSession(); call tokenflight(session, options), got an object",
    );
  });

  it('app.use(tokenflight(session)) gives every component the session', async () => {
    const { session } = guestSession();
    const { host, app } = mount(Account, session);
    expect(host.textContent).toBe('Log in');
    host.querySelector('button')?.click();
    await nextTick();
    expect(session.tokens?.accessToken).toBe('from-your-login');
    expect(host.textContent).toBe('Log out');
    app.unmount();
    const bare = defineComponent(() => {
      injectSession();
      return () => null;
    });
    const warnings: string[] = [];
    const without = createApp(bare);
    without.config.warnHandler = (message) => void warnings.push(message);
    expect(() => without.mount(document.createElement('div'))).toThrow(
      'tokenflight: no session here; install it with app.use(tokenflight(session))',
    );
  });
});
