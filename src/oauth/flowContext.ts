import type { Browser } from './browser.js';
import type { ExchangeParts } from './codeExchange.js';
import type { pendingLogins } from './pendingLogins.js';
import type { UserStore } from './userStore.js';

/** What the login, callback and logout calls share with the client that made them. */
export interface FlowContext extends ExchangeParts {
  browser: Browser;
  pending: ReturnType<typeof pendingLogins>;
  user: UserStore;
  defaults: LoginDefaults;
}

/** The client's options that every login starts from. */
export interface LoginDefaults {
  redirectUri: string | undefined;
  scope: string;
  /** Push every authorization request (RFC 9126), even where the server does not require it. */
  pushedAuthorizationRequests: boolean;
  postLogoutRedirectUri: string | undefined;
}

/** The login and logout calls act on the session this client is a plugin of, and only that one. */
export function checkSession(context: FlowContext, session: { actor: unknown } | undefined): void {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller may pass anything; checked at run time
  if (typeof session !== 'object' || session === null || !context.user.isConnectedTo(session.actor)) {
    throw new TypeError('tokenflight/oauth: session must be the one created with plugins: [op], got another');
  }
}
