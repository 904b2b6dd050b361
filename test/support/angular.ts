// Angular's HttpClient in Node, as an app gets it: an environment injector with provideHttpClient.
// @angular/common ships partially compiled: the JIT compiler links its classes when first used.
import '@angular/compiler';
import {
  HttpClient,
  HttpErrorResponse,
  provideHttpClient,
  withFetch,
  withInterceptors,
  type HttpInterceptorFn,
  type HttpResponse,
} from '@angular/common/http';
import {
  createEnvironmentInjector,
  EnvironmentInjector,
  Injector,
  provideZonelessChangeDetection,
  ɵINJECTOR_SCOPE as INJECTOR_SCOPE,
  type EnvironmentProviders,
  type Provider,
} from '@angular/core';
import { provideTokenflight, tokenflightInterceptor, type AngularAuthOptions } from 'tokenflight/angular';
import type { AuthSession } from 'tokenflight';
import type { Observable } from 'rxjs';

/**
 * An app's root injector with `providers`, as bootstrapApplication makes it but without a
 * platform (Node has no DOM): the 'root' scope is what `providedIn: 'root'` services live in.
 */
export function angularInjector(providers: Array<Provider | EnvironmentProviders>): EnvironmentInjector {
  const parent = Injector.create({ providers: [] });
  if (!(parent instanceof EnvironmentInjector)) throw new Error('Injector.create made no environment injector');
  return createEnvironmentInjector(
    [{ provide: INJECTOR_SCOPE, useValue: 'root' }, provideZonelessChangeDetection(), ...providers],
    parent,
  );
}

/**
 * HttpClient with the session's interceptor, as docs/frameworks.md sets it up; `inner` run after
 * it, closer to the network (so they see every send, replays too).
 */
export function angularHttp(session: AuthSession, options: AngularAuthOptions = {}, inner: HttpInterceptorFn[] = []) {
  const injector = angularInjector([
    provideTokenflight(session, options),
    provideHttpClient(withFetch(), withInterceptors([tokenflightInterceptor, ...inner])),
  ]);
  return { injector, http: injector.get(HttpClient) };
}

/** A finished request: its status and body, an error response included (as fetch answers). */
export function answerOf<T>(
  request: Observable<HttpResponse<T>>,
  signal?: AbortSignal,
): Promise<{ status: number; body: T }> {
  return new Promise((resolve, reject) => {
    const subscription = request.subscribe({
      next: (response) => resolve({ status: response.status, body: response.body as T }),
      error: (error: unknown) => {
        if (error instanceof HttpErrorResponse && error.status !== 0)
          resolve({ status: error.status, body: error.error as T });
        else reject(error);
      },
    });
    // Angular cancels a request by unsubscribing.
    signal?.addEventListener(
      'abort',
      () => {
        subscription.unsubscribe();
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
