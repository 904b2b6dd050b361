// A browser for the provider's pages in Node: one cookie jar (the provider's login session lives
// in it, as in a real browser), the dev login and consent forms filled in, the logout page
// confirmed. And a tab of the app: its address bar, history and sessionStorage, for the client's
// `location`, `history` and `loginStorage` options.
import { SPA_POST_LOGOUT_REDIRECT_URI, SPA_REDIRECT_URI } from '../oauth/authorizationServer.js';
import { CookieJar } from '../oauth/codeFlow.js';
import { MapStorage } from './mapStorage.js';

export interface Visit {
  /** Where the provider sent the browser back (redirect URI or post-logout URI). */
  landedAt: URL;
  /** The provider's pages shown on the way: 'login', 'consent', 'logout'. */
  pages: string[];
}

const LANDINGS = [SPA_REDIRECT_URI, SPA_POST_LOGOUT_REDIRECT_URI];

export function providerBrowser() {
  const jar = new CookieJar();

  /** Follows the provider until it sends the browser back to the app; `consent: 'abort'` cancels at the consent page. */
  async function visit(start: URL | string, { login = 'alice', consent = 'accept' } = {}): Promise<Visit> {
    const pages: string[] = [];
    let next: { url: URL; form?: URLSearchParams } = { url: new URL(start) };
    for (let hop = 0; hop < 20; hop += 1) {
      if (LANDINGS.some((landing) => next.url.href.startsWith(landing))) return { landedAt: next.url, pages };
      const response = await jar.fetch(next.url, next.form);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        next = { url: new URL(location, next.url) };
        continue;
      }
      const page = await response.text();
      if (response.status !== 200) throw new Error(`provider answered ${response.status}: ${page.slice(0, 300)}`);
      next = formOf(next.url, page, pages, { login, consent });
    }
    throw new Error('the provider did not send the browser back');
  }
  return { visit };
}

function formOf(
  at: URL,
  page: string,
  pages: string[],
  choices: { login: string; consent: string },
): { url: URL; form?: URLSearchParams } {
  const logoutForm = /<form[^>]*id="op\.logoutForm"[^>]*>[\s\S]*?<\/form>/.exec(page)?.[0];
  if (logoutForm) {
    pages.push('logout');
    const action = /action="([^"]+)"/.exec(logoutForm)?.[1] ?? '';
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(logoutForm)?.[1] ?? '';
    return { url: new URL(action, at), form: new URLSearchParams({ xsrf, logout: 'yes' }) };
  }
  const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
  if (!prompt) throw new Error(`no form on the provider's page: ${page.slice(0, 300)}`);
  pages.push(prompt);
  if (prompt === 'consent' && choices.consent === 'abort') return { url: new URL(`${at.pathname}/abort`, at) };
  const form =
    prompt === 'login'
      ? new URLSearchParams({ prompt, login: choices.login, password: 'any' })
      : new URLSearchParams({ prompt });
  return { url: at, form };
}

/** One tab of the app at `href`: what the client's browser options read and write. */
export function appTab(href = 'http://127.0.0.1/app') {
  const tab = {
    href,
    /** Every URL the app sent the browser to, in order. */
    assigned: [] as string[],
    location: {
      get href() {
        return tab.href;
      },
      assign(url: string) {
        tab.assigned.push(url);
      },
    },
    history: {
      replaceState(_data: unknown, _unused: string, url: string) {
        tab.href = new URL(url, tab.href).href;
      },
    },
    /** This tab's sessionStorage. */
    loginStorage: new MapStorage(),
    /** The URL the app sent the browser to last. */
    lastAssigned(): URL {
      const url = tab.assigned.at(-1);
      if (url === undefined) throw new Error('the app sent the browser nowhere');
      return new URL(url);
    },
  };
  return tab;
}
