/**
 * The page of the login browser test: an SPA with tokenflight/oauth that logs in by redirect or
 * in a popup, on one page that is also its own redirect URI (in the popup it hands the answer
 * back), and logs out at the provider. The test drives it through its buttons and reads it through `window.loginPage`.
 */
import { createAuthSession, webStorage } from 'tokenflight';
import { crossTab } from 'tokenflight/cross-tab';
import { oauth, PopupClosedError, type LoginResult } from 'tokenflight/oauth';

interface PageConfig {
  issuer: string;
  scope: string;
}

const config = (await (await fetch('/config.json')).json()) as PageConfig;
const op = oauth({
  issuer: config.issuer,
  clientId: 'spa',
  clientMetadata: { id_token_signed_response_alg: 'ES256' },
  redirectUri: `${location.origin}/`,
  postLogoutRedirectUri: `${location.origin}/`,
  scope: config.scope,
  allowInsecureRequests: true,
});
// Every tab of the page shares the session (and with it the user).
const session = createAuthSession({
  refresh: op.refresh,
  plugins: [op, crossTab({ name: 'login-e2e' })],
  storage: webStorage(localStorage),
});

/** How the latest login ended: its result, or its error's name. */
let outcome: { result?: LoginResult; error?: string } | null = null;
const settle = (login: Promise<LoginResult>) =>
  login.then(
    (result) => void (outcome = { result }),
    (error: unknown) =>
      void (outcome = {
        error:
          error instanceof PopupClosedError && error.blocked
            ? 'PopupClosedError (blocked)'
            : error instanceof Error
              ? error.name
              : String(error),
      }),
  );

async function start(): Promise<void> {
  if (op.hasLoginAnswer()) {
    if (window.opener) op.handlePopupCallback();
    else await settle(op.handleRedirectCallback(session));
  }
  document.getElementById('redirect')?.addEventListener('click', () => {
    void op.loginWithRedirect({ appState: { returnTo: '/orders' }, prompt: 'consent' });
  });
  document.getElementById('logout')?.addEventListener('click', () => {
    void op.logoutAtProvider(session, { state: 'bye' });
  });
  document.getElementById('popup')?.addEventListener('click', () => {
    void settle(op.loginWithPopup(session, { appState: 'editor', prompt: 'consent' }));
  });
}

declare global {
  interface Window {
    loginPage: {
      ready: Promise<void>;
      status(): string;
      sub(): string | null;
      outcome(): typeof outcome;
    };
  }
}

window.loginPage = {
  ready: start(),
  status: () => session.status,
  sub: () => op.user?.sub ?? null,
  outcome: () => outcome,
};
