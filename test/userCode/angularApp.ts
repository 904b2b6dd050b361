// User code for docs/adapters.md (Angular), as an app would write it; test/angular.test.ts runs it.
// --- snippet: angular-config ---
// app.config.ts: the session is created once, at module scope, as in every framework.
import { HttpContext, provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import type { ApplicationConfig } from '@angular/core';
import type { AuthSession } from 'tokenflight';
import { provideTokenflight, SKIP_TOKENFLIGHT, tokenflightInterceptor } from 'tokenflight/angular';

export function appConfigFor(session: AuthSession): ApplicationConfig {
  return {
    providers: [
      provideTokenflight(session, { origins: ['https://api.test'], maxConcurrentReplays: 6 }),
      provideHttpClient(withFetch(), withInterceptors([tokenflightInterceptor])),
    ],
  };
}
// --- end of snippet ---

// --- snippet: angular-skip ---
/** Options for a request that must go out untouched (no token, no replay): the refresh call itself. */
export const untouched = { context: new HttpContext().set(SKIP_TOKENFLIGHT, true) };
// --- end of snippet ---
