/** Wires the demo page: one tokenflight session, its diagram, the log and the scenario buttons. */
import { createDemoClient, type DemoClient, type DemoMode } from './client.js';
import { createOAuthDemoClient, type OAuthDemoClient } from './oauthClient.js';
import {
  CASES,
  expireOnServer,
  fireConcurrent,
  resetServer,
  resetServerStats,
  revokeOnServer,
  runCase,
  serverStats,
  staleUnauthorized,
  type CaseName,
  type ScenarioResult,
} from './cases.js';
import { SLOW_REFRESH_MS } from './client.js';
import { showDiagram } from './diagram.js';
import { createDomLog } from './log.js';
import { renderResult } from './result.js';

function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element;
}

function byIdOf<T extends HTMLElement>(id: string, kind: new () => T): T {
  const element = byId(id);
  if (!(element instanceof kind)) throw new Error(`#${id} in index.html is not a ${kind.name}`);
  return element;
}

const requested = new URLSearchParams(location.search).get('mode');
const mode: DemoMode = requested === 'cookie' || requested === 'oauth' ? requested : 'bearer';
const log = createDomLog(byIdOf('log', HTMLOListElement), byIdOf('log-pinned', HTMLOListElement));
const oauthClient: OAuthDemoClient | null = mode === 'oauth' ? await createOAuthDemoClient(log) : null;
const client: DemoClient = oauthClient ?? createDemoClient(mode === 'cookie' ? 'cookie' : 'bearer', log);
const { session, authFetch } = client;

const MODE_NOTES: Record<DemoMode, string> = {
  bearer: 'Bearer mode: access and refresh token live in localStorage; requests carry Authorization: Bearer.',
  cookie:
    'Cookie mode: the JWT and refresh token are HttpOnly cookies. The page only holds a CSRF token, sent as X-CSRF-Token.',
  oauth:
    'OAuth 2.0 + DPoP: oidc-provider issues the tokens (code flow with PKCE); each request carries Authorization: DPoP and a proof signed by a non-extractable key kept in IndexedDB.',
};
byId(`mode-${mode}`).classList.add('selected');
byId('mode-note').textContent = MODE_NOTES[mode];

// ---- live session view ----------------------------------------------------

// The bar shows the share left of the lifetime the token had when it arrived.
let heldToken: string | null = null;
let fullLifetime = 1;
function renderLifetime(): void {
  const expiresAt = session.tokens?.expiresAt ?? null;
  if (session.tokens?.accessToken !== heldToken) {
    heldToken = session.tokens?.accessToken ?? null;
    fullLifetime = Math.max(1, (expiresAt ?? 0) - Date.now());
  }
  const bar = byId('lifetime-bar');
  if (expiresAt === null) {
    byId('lifetime').textContent = session.tokens ? 'no expiry known' : 'no token';
    bar.style.width = '0';
    return;
  }
  const left = Math.max(0, expiresAt - Date.now());
  byId('lifetime').textContent = `${(left / 1000).toFixed(1)} s left (client's view)`;
  bar.style.width = `${Math.min(100, (left / fullLifetime) * 100)}%`;
  bar.classList.toggle('low', left < fullLifetime / 3);
}
setInterval(renderLifetime, 200);

const statusElement = byId('status');
let lastStatus = '';
session.subscribe(({ status }) => {
  statusElement.textContent = status;
  statusElement.dataset.status = status;
  byId('expired-banner').hidden = status !== 'expired';
  if (lastStatus && status !== lastStatus) log.add('state', `state: ${lastStatus} → ${status}`);
  lastStatus = status;
  renderLifetime();
});
session.on('refreshed', () => log.add('refreshed', '✓ refreshed: new tokens'));
session.on('refreshFailed', () => log.add('error', '✗ refresh failed'));
session.on('expired', () => log.add('error', '✗ session expired: log in again'));

async function renderStats(): Promise<void> {
  const stats = await serverStats(client);
  byId('stats').replaceChildren(
    ...Object.entries(stats).map(([name, value]) => {
      // One <div> per counter (allowed in a <dl>), so the counters wrap as pairs when the card is narrow.
      const counter = document.createElement('div');
      const term = document.createElement('dt');
      term.textContent = name;
      const detail = document.createElement('dd');
      detail.textContent = String(value);
      detail.dataset.stat = name;
      counter.append(term, detail);
      return counter;
    }),
  );
}
setInterval(() => void renderStats().catch(() => undefined), 2_000);

/**
 * Runs one button's action at a time; every button is disabled meanwhile.
 * `body[data-runs]` counts finished actions, so scripts can wait for one.
 */
let runs = 0;
async function busy(action: () => Promise<unknown>): Promise<void> {
  const buttons = [...document.querySelectorAll('button')];
  for (const button of buttons) button.disabled = true;
  try {
    await action();
  } catch (error) {
    log.add('error', `error: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    for (const button of buttons) button.disabled = false;
    await renderStats().catch(() => undefined);
    document.body.dataset.runs = String(++runs);
  }
}

const caseButtons = byId('case-buttons');
for (const [name, { title, explain }] of Object.entries(CASES) as [CaseName, (typeof CASES)[CaseName]][]) {
  const button = Object.assign(document.createElement('button'), { id: `case-${name}`, title: explain });
  button.append(
    Object.assign(document.createElement('strong'), { textContent: title }),
    Object.assign(document.createElement('span'), { textContent: explain }),
  );
  button.addEventListener(
    'click',
    () => void busy(async () => renderResult(byId('result'), await runCase(name, client, log), explain)),
  );
  caseButtons.append(button);
}

const on = (id: string, action: () => Promise<unknown>) => byId(id).addEventListener('click', () => void busy(action));
const show = (result: ScenarioResult, explain: string) => renderResult(byId('result'), result, explain);
on('fire-3', async () => show(await fireConcurrent(3, client, log), 'Three 401s, one refresh, three replays.'));
on('fire-50', async () => show(await fireConcurrent(50, client, log), 'Fifty 401s, still one refresh.'));
on('stale', async () =>
  show(
    await staleUnauthorized(client, log),
    'The slow request’s 401 arrives after the refresh: it is replayed with the new token, no second refresh.',
  ),
);
if (oauthClient) {
  // The demo's own login form is a link to the provider's login page.
  const link = Object.assign(document.createElement('a'), {
    id: 'login',
    className: 'button',
    href: '#login',
    textContent: 'Log in with the provider',
  });
  const startLogin = oauthClient.startLogin;
  link.addEventListener('click', (event) => {
    event.preventDefault();
    startLogin().catch((error: unknown) =>
      log.add('error', `login failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  });
  byId('login').replaceWith(link);
} else {
  on('login', () => client.login('ada'));
}
on('logout', () => client.logout());
on('expire', () => expireOnServer(log));
on('revoke', () => revokeOnServer(log));
on('reset', () => resetServer(log));
byId('clear-log').addEventListener('click', () => log.clear());
const slowRefresh = byIdOf('slow-refresh', HTMLInputElement);
byId('slow-refresh-ms').textContent = `${SLOW_REFRESH_MS / 1000} s`;
slowRefresh.addEventListener('change', () => {
  client.setSlowRefresh(slowRefresh.checked);
  log.add('note', `slow refresh ${slowRefresh.checked ? 'on' : 'off'}`);
});

declare global {
  interface Window {
    tokenflightDemo: {
      session: typeof session;
      authFetch: typeof authFetch;
      mode: DemoMode;
      ready: Promise<void>;
    };
  }
}

/** OAuth mode: finishes a login coming back from the provider. */
async function prepareProviderLogin(oauth: OAuthDemoClient): Promise<void> {
  await oauth
    .completeLogin()
    .catch((error: unknown) =>
      log.add('error', `login failed: ${error instanceof Error ? error.message : String(error)}`),
    );
}

// Counters count from this page load; the page is ready once they are zero and the diagram is in.
const ready = Promise.all([
  showDiagram(byId('diagram'), byId('diagram-details'), session.actor),
  resetServerStats(log).then(renderStats),
  oauthClient && prepareProviderLogin(oauthClient),
]).then(() => undefined);
window.tokenflightDemo = { session, authFetch, mode, ready };
renderLifetime();
log.add('note', `demo ready in ${mode} mode`);
