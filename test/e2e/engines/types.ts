/** What every engine's driver gives the browser tests: pages in contexts that share storage, cookies and locks. */

export const ENGINES = ['chromium', 'firefox', 'webkit'] as const;
export type EngineName = (typeof ENGINES)[number];

/** A function that runs in the page: drivers send its text, so it may use only its argument and the page's globals. */
export type PageFunction = (arg: never) => unknown;

export interface Cookie {
  name: string;
  value: string;
  httpOnly: boolean;
  sameSite: string | undefined;
  path: string | undefined;
}

/** Whether a request to `url` carries `cookie` by its path (every test page is on the cookie's host). */
export function sentTo(url: string): (cookie: Cookie) => boolean {
  const { pathname } = new URL(url);
  return (cookie) =>
    cookie.path === undefined ||
    pathname === cookie.path ||
    pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`);
}

/** The fields the tests read, from any driver's cookie. */
export function toCookie(cookie: {
  name: string;
  value: string;
  httpOnly?: boolean;
  sameSite?: string;
  path?: string;
}): Cookie {
  const { name, value, httpOnly, sameSite, path } = cookie;
  return { name, value, httpOnly: httpOnly ?? false, sameSite, path };
}

/** One tab, as the driver sees it; test/e2e/page.ts builds the DOM helpers the tests call on top of it. */
export interface DriverPage {
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  url(): Promise<string>;
  /** Runs `fn` in the page with `arg` (sent as JSON) and resolves with its awaited result (returned as JSON). */
  evaluate(fn: PageFunction, arg: unknown): Promise<unknown>;
  /** The whole page, as a PNG file at `path`. */
  screenshot(path: string): Promise<void>;
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  /** The cookies of the page's context that a request to `url` would carry, HttpOnly ones too. */
  cookies(url: string): Promise<Cookie[]>;
  /** Uncaught errors and unhandled rejections in the page. */
  onPageError(listener: (message: string) => void): void;
  /**
   * Clicks the element through the driver's input, as a user's click: with the user activation that a popup
   * needs (WebKit gives none to a script's `element.click()`).
   */
  userClick(selector: string): Promise<void>;
  /** Runs `trigger` (a click that calls `window.open`) and resolves with the window the page opened. */
  popup(trigger: () => Promise<void>): Promise<DriverPage>;
  /** Whether the page's window is gone: closed by the test, the user or its own script. */
  isClosed(): Promise<boolean>;
  close(): Promise<void>;
}

/** How long a popup may take to open before the test hears why it failed. */
export const POPUP_WAIT_MS = 10_000;

/** Rejects with a message naming the likely cause (a popup blocker) when `opened` takes longer than POPUP_WAIT_MS. */
export function withinPopupWait<T>(opened: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no window opened within ${POPUP_WAIT_MS} ms: did the engine block the popup?`)),
      POPUP_WAIT_MS,
    );
  });
  return Promise.race([opened, late]).finally(() => clearTimeout(timer));
}

/** Tabs that share storage, cookies and Web Locks; closing it closes them. */
export interface DriverContext {
  newPage(): Promise<DriverPage>;
  /**
   * A background tab (`document.visibilityState` is 'hidden'), where the engine has one: Firefox's tab under a
   * tab opened after it, WebKit's tab opened behind its window. Headless Chromium shows every page: none.
   */
  newHiddenPage?(): Promise<DriverPage>;
  close(): Promise<void>;
}

export interface DriverBrowser {
  /** A fresh context: no storage, no cookies. */
  newContext(): Promise<DriverContext>;
  close(): Promise<void>;
}

export const VIEWPORT = { width: 1400, height: 1000 };

/** The expression that calls `fn` with `arg` in the page: every driver evaluates it and awaits the promise it may give. */
export function callExpression(fn: PageFunction, arg: unknown): string {
  return `(${fn.toString()})(${arg === undefined ? '' : JSON.stringify(arg)})`;
}
