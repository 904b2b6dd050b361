// @vitest-environment jsdom
import {
  createApp,
  defineComponent,
  effectScope,
  h,
  nextTick,
  onScopeDispose,
  onUpdated,
  shallowRef,
  type ShallowRef,
} from 'vue';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthSession, type AuthSession, type SessionSnapshot } from '../src/index.js';
import { refreshStub } from './support/refreshStub.js';

// --- snippet: vue ---
function useAuthSession(session: AuthSession): Readonly<ShallowRef<SessionSnapshot>> {
  const state = shallowRef(session.getSnapshot());
  const unsubscribe = session.subscribe((snapshot) => {
    state.value = snapshot;
  });
  onScopeDispose(unsubscribe);
  return state;
}
// --- end of snippet ---

const sessions: AuthSession[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.stop();
});

function guestSession() {
  const stub = refreshStub();
  const session = createAuthSession({ refresh: stub.refresh });
  sessions.push(session);
  return { session, stub };
}

describe('Vue 3', () => {
  it('a shallowRef kept current through subscribe re-renders a component on each change', async () => {
    const { session, stub } = guestSession();
    const seen: string[] = [];
    const Badge = defineComponent(() => {
      const auth = useAuthSession(session);
      onUpdated(() => seen.push(auth.value.status));
      return () => h('span', auth.value.status);
    });
    const host = document.createElement('div');
    const app = createApp(Badge);
    app.mount(host);
    expect(host.textContent).toBe('loggedOut');
    session.login({ accessToken: 'a0', refreshToken: 'r0', expiresIn: 3600 });
    await nextTick();
    expect(host.textContent).toBe('idle');
    const refreshed = session.refresh();
    await nextTick();
    expect(host.textContent).toBe('refreshing');
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
    await refreshed;
    await nextTick();
    session.logout();
    await nextTick();
    expect(host.textContent).toBe('loggedOut');
    expect(seen).toEqual(['idle', 'refreshing', 'idle', 'loggedOut']);
    app.unmount();
  });

  it('stops listening when its scope ends', () => {
    const { session } = guestSession();
    const scope = effectScope();
    const auth = scope.run(() => useAuthSession(session))!;
    session.login({ accessToken: 'a0', refreshToken: 'r0', expiresIn: 3600 });
    expect(auth.value.status).toBe('idle');
    scope.stop();
    session.logout();
    expect(auth.value.status).toBe('idle');
  });
});
