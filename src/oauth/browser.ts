/**
 * The parts of a browser the login and logout calls use, each replaceable (tests in Node, an
 * embedded webview, a router that owns navigation). Every default is read at call time, so
 * creating the client during server rendering touches nothing.
 */
export interface LocationLike {
  readonly href: string;
  /** Sends the browser to `url` (the authorization or end-session endpoint). */
  assign(url: string): void;
}

export interface HistoryLike {
  replaceState(data: unknown, unused: string, url: string): void;
}

/** Web Storage's string methods: `sessionStorage` holds a pending login for this tab only. */
export type StringStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** What `window.open` returns, as far as the popup login uses it. */
export interface PopupWindow {
  readonly closed: boolean;
  close(): void;
  location: { href: string };
}

export interface BrowserOptions {
  /** Default `globalThis.location`. */
  location?: LocationLike;
  /** Default `globalThis.history`. */
  history?: HistoryLike;
  /** Where a login in progress waits for its answer. Default `globalThis.sessionStorage` (this tab only). */
  loginStorage?: StringStorage;
  /** Opens the login popup. Default `globalThis.open`. */
  openWindow?: (url: string, target: string, features: string) => PopupWindow | null;
}

export interface Browser {
  location(): LocationLike;
  history(): HistoryLike;
  loginStorage(): StringStorage;
  open(url: string, target: string, features: string): PopupWindow | null;
}

export function browserOf(options: BrowserOptions): Browser {
  return {
    location: () => options.location ?? required(globalThis.location, 'location'),
    history: () => options.history ?? required(globalThis.history, 'history'),
    loginStorage: () => options.loginStorage ?? required(globalThis.sessionStorage, 'loginStorage'),
    open: (url, target, features) =>
      options.openWindow
        ? options.openWindow(url, target, features)
        : required(globalThis.open, 'openWindow')(url, target, features),
  };
}

function required<T>(value: T | undefined, option: string): T {
  if (value === undefined)
    throw new TypeError(`tokenflight/oauth: ${option} must be given outside a browser, got undefined`);
  return value;
}
