import {
  getCurrentScope,
  inject,
  onScopeDispose,
  shallowRef,
  type InjectionKey,
  type Plugin,
  type ShallowRef,
} from 'vue';
import { checkSession } from '../session/optionChecks.js';
import type { AuthSession, SessionSnapshot } from '../session/createAuthSession.js';

/**
 * The session's `{ status, tokens }`, or the slice `select` picks, as a `shallowRef` kept current
 * until the calling scope ends (a component's setup, an `effectScope`). The snapshot is frozen and
 * replaced whole, so a shallow ref is exact; a ref triggers only when its value changes, so a
 * component reading a slice re-renders only for that slice.
 * @throws TypeError outside a scope, where nothing would ever unsubscribe.
 */
export function useSession(session: AuthSession): Readonly<ShallowRef<SessionSnapshot>>;
export function useSession<T>(session: AuthSession, select: (snapshot: SessionSnapshot) => T): Readonly<ShallowRef<T>>;
export function useSession<T>(
  session: AuthSession,
  select?: (snapshot: SessionSnapshot) => T,
): Readonly<ShallowRef<T | SessionSnapshot>> {
  checkSession('useSession', session);
  if (!getCurrentScope()) {
    throw new TypeError("tokenflight: useSession must be called in a component's setup or an effectScope");
  }
  const pick = select ?? ((snapshot: SessionSnapshot) => snapshot);
  const state = shallowRef<T | SessionSnapshot>(pick(session.getSnapshot()));
  onScopeDispose(
    session.subscribe((snapshot) => {
      state.value = pick(snapshot);
    }),
  );
  return state;
}

const SESSION: InjectionKey<AuthSession> = Symbol('tokenflight session');

/** `app.use(tokenflight(session))`: the app's components reach the session with `injectSession()`. */
export function tokenflight(session: AuthSession): Plugin {
  checkSession('tokenflight', session);
  return {
    install(app) {
      app.provide(SESSION, session);
    },
  };
}

/** The session the app was given with `app.use(tokenflight(session))`. */
export function injectSession(): AuthSession {
  const session = inject(SESSION, null);
  if (!session) throw new TypeError('tokenflight: no session here; install it with app.use(tokenflight(session))');
  return session;
}
