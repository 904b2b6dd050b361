import type { HttpInterceptorFn } from '@angular/common/http';
import {
  computed,
  DestroyRef,
  inject,
  InjectionToken,
  makeEnvironmentProviders,
  signal,
  type EnvironmentProviders,
  type Signal,
} from '@angular/core';
import type { AuthStatus } from '../../machines/authSessionTypes.js';
import { checkSession } from '../session/optionChecks.js';
import type { AuthSession, SessionSnapshot } from '../session/createAuthSession.js';
import { createAuthInterceptor, type AngularAuthOptions } from './authInterceptor.js';

const SESSION = new InjectionToken<AuthSession>('tokenflight session');
const INTERCEPTOR = new InjectionToken<HttpInterceptorFn>('tokenflight interceptor');
const STATE = new InjectionToken<Signal<SessionSnapshot>>('tokenflight session state');

/** The session's snapshot as a signal, kept current until `destroyRef` is destroyed. */
export function sessionSignal(session: AuthSession, destroyRef: DestroyRef): Signal<SessionSnapshot> {
  const state = signal(session.getSnapshot());
  const unsubscribe = session.subscribe((snapshot) => state.set(snapshot));
  destroyRef.onDestroy(unsubscribe);
  return state.asReadonly();
}

/**
 * The app's session for dependency injection, and what `tokenflightInterceptor` sends with:
 * `providers: [provideTokenflight(session, { origins }), provideHttpClient(withFetch(), withInterceptors([tokenflightInterceptor]))]`.
 * Create the session once, at module scope, as in every framework.
 */
export function provideTokenflight(session: AuthSession, options: AngularAuthOptions = {}): EnvironmentProviders {
  checkSession('provideTokenflight', session);
  // Made here, not per request: the options are checked at once and the storm guard is shared.
  const interceptor = createAuthInterceptor(session, options);
  return makeEnvironmentProviders([
    { provide: SESSION, useValue: session },
    { provide: INTERCEPTOR, useValue: interceptor },
    // One subscription per app, ended with the app's injector.
    { provide: STATE, useFactory: () => sessionSignal(session, inject(DestroyRef)) },
  ]);
}

/** Sends requests through the provided session (see `provideTokenflight`); one interceptor per app. */
export const tokenflightInterceptor: HttpInterceptorFn = (request, next) => inject(INTERCEPTOR)(request, next);

/** The provided session (to log in and out). */
export const injectSession = (): AuthSession => inject(SESSION);

/** The provided session's `{ status, tokens }` as a signal. */
export const injectSessionState = (): Signal<SessionSnapshot> => inject(STATE);

/** The provided session's status as a signal: readers are notified only when the status changes. */
export function injectSessionStatus(): Signal<AuthStatus> {
  const state = inject(STATE);
  return computed(() => state().status);
}
