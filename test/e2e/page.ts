/**
 * The page the browser tests drive, the same in every engine: the driver's few primitives (see engines/types.ts)
 * and DOM helpers named after Playwright's, built on `evaluate` so they act alike everywhere.
 */
import type { Cookie, DriverContext, DriverPage, PageFunction } from './engines/types.js';

const WAIT_MS = 30_000;
const POLL_MS = 25;

export interface WaitOptions {
  timeout?: number;
}

export class Page {
  readonly #driver: DriverPage;
  readonly #context: Context;

  constructor(parts: { driver: DriverPage; context: Context }) {
    this.#driver = parts.driver;
    this.#context = parts.context;
  }

  /** The context the page belongs to: its other pages share storage, cookies and Web Locks. */
  context(): Context {
    return this.#context;
  }

  /** The driver's page: engines/chromium.ts gives the Playwright page behind it to the Chromium-only tests. */
  get driver(): DriverPage {
    return this.#driver;
  }

  goto(url: string): Promise<void> {
    return this.#driver.goto(url);
  }

  reload(): Promise<void> {
    return this.#driver.reload();
  }

  url(): Promise<string> {
    return this.#driver.url();
  }

  /** Runs `fn` in the page: it may use only its argument (sent as JSON) and the page's globals. */
  evaluate<R>(fn: () => R): Promise<Awaited<R>>;
  evaluate<R, A>(fn: (arg: A) => R, arg: A): Promise<Awaited<R>>;
  async evaluate(fn: PageFunction, arg?: unknown): Promise<unknown> {
    return this.#driver.evaluate(fn, arg);
  }

  /** Polls `fn` in the page until it returns a truthy value, and returns that value. */
  waitForFunction<R>(fn: () => R, arg?: undefined, options?: WaitOptions): Promise<Awaited<R>>;
  waitForFunction<R, A>(fn: (arg: A) => R, arg: A, options?: WaitOptions): Promise<Awaited<R>>;
  async waitForFunction(fn: PageFunction, arg?: unknown, options: WaitOptions = {}): Promise<unknown> {
    return this.#poll(`waitForFunction(${String(fn)})`, options, async () => this.#driver.evaluate(fn, arg));
  }

  /** Waits until the page's address matches `pattern`, where `**` stands for any text. */
  async waitForURL(pattern: string, options: WaitOptions = {}): Promise<void> {
    const escaped = pattern.split('**').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const wanted = new RegExp(`^${escaped.join('.*')}$`);
    await this.#poll(`waitForURL(${pattern})`, options, async () => wanted.test(await this.#driver.url()));
  }

  /** Waits until an element matches `selector` (`visible`: and is visible). */
  async waitForSelector(
    selector: string,
    options: WaitOptions & { state?: 'attached' | 'visible' } = {},
  ): Promise<void> {
    const visible = options.state !== 'attached';
    await this.#poll(`waitForSelector(${selector})`, options, () =>
      visible ? this.isVisible(selector) : this.evaluate((s) => document.querySelector(s) !== null, selector),
    );
  }

  /** Clicks the element: an HTML element as `element.click()` does, an SVG one by a bubbling click event. */
  async click(selector: string): Promise<void> {
    await this.#withElement(
      `click(${selector})`,
      (s) => {
        const element = document.querySelector(s);
        if (element instanceof HTMLElement) element.click();
        else if (element)
          element.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, view: window }));
        return element !== null;
      },
      selector,
    );
  }

  /**
   * Clicks the element as a user does, through the driver's input: the click a popup needs (`window.open`
   * outside a user's click is blocked). `click` is the one to use otherwise: it acts alike in every engine.
   */
  userClick(selector: string): Promise<void> {
    return this.#driver.userClick(selector);
  }

  /** Ticks a checkbox (a click, as a user's) unless it is ticked. */
  async check(selector: string): Promise<void> {
    await this.#withElement(
      `check(${selector})`,
      (s) => {
        const element = document.querySelector(s);
        if (!(element instanceof HTMLInputElement)) return false;
        if (!element.checked) element.click();
        return true;
      },
      selector,
    );
  }

  /** Sets an input's value and fires `input` and `change`, as typing does. */
  async fill(selector: string, value: string): Promise<void> {
    await this.#withElement(
      `fill(${selector})`,
      ({ s, v }) => {
        const element = document.querySelector(s);
        if (!(element instanceof HTMLInputElement)) return false;
        element.focus();
        element.value = v;
        element.dispatchEvent(new Event('input', { bubbles: true }));
        element.dispatchEvent(new Event('change', { bubbles: true }));
        return true;
      },
      { s: selector, v: value },
    );
  }

  textContent(selector: string): Promise<string | null> {
    return this.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector);
  }

  /** The text of every element that matches `selector`, in document order. */
  allTextContents(selector: string): Promise<string[]> {
    return this.evaluate((s) => [...document.querySelectorAll(s)].map((element) => element.textContent), selector);
  }

  getAttribute(selector: string, name: string): Promise<string | null> {
    return this.evaluate(({ s, n }) => document.querySelector(s)?.getAttribute(n) ?? null, { s: selector, n: name });
  }

  /** As Playwright's: the element has a box and is not `visibility: hidden`. */
  isVisible(selector: string): Promise<boolean> {
    return this.evaluate((s) => {
      const element = document.querySelector(s);
      if (!element) return false;
      return element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden';
    }, selector);
  }

  screenshot(path: string): Promise<void> {
    return this.#driver.screenshot(path);
  }

  setViewportSize(size: { width: number; height: number }): Promise<void> {
    return this.#driver.setViewportSize(size);
  }

  /** The cookies of the page's context that a request to `url` would carry, HttpOnly ones too. */
  cookies(url: string): Promise<Cookie[]> {
    return this.#driver.cookies(url);
  }

  onPageError(listener: (message: string) => void): void {
    this.#driver.onPageError(listener);
  }

  /** Runs `trigger` and gives the window the page opened meanwhile (`window.open`): a page of the same context. */
  async waitForPopup(trigger: () => Promise<void>): Promise<Page> {
    return new Page({ driver: await this.#driver.popup(trigger), context: this.#context });
  }

  /** Whether the page's window is gone: closed by the test, the user or its own script. */
  isClosed(): Promise<boolean> {
    return this.#driver.isClosed();
  }

  close(): Promise<void> {
    return this.#driver.close();
  }

  /** Waits for the element (a page may still be loading), then acts on it. */
  async #withElement<A>(what: string, fn: (arg: A) => boolean, arg: A): Promise<void> {
    await this.#poll(what, {}, () => this.#driver.evaluate(fn, arg));
  }

  async #poll(what: string, options: WaitOptions, attempt: () => Promise<unknown>): Promise<unknown> {
    const deadline = Date.now() + (options.timeout ?? WAIT_MS);
    let lastError: unknown;
    for (;;) {
      try {
        const value = await attempt();
        if (value) return value;
      } catch (error) {
        // A navigation in progress: the next attempt runs in the new document.
        lastError = error;
      }
      if (Date.now() > deadline)
        throw new Error(`${what} timed out after ${options.timeout ?? WAIT_MS} ms`, { cause: lastError });
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

/** Pages that share storage, cookies and Web Locks. */
export class Context {
  readonly #driver: DriverContext;

  constructor(driver: DriverContext) {
    this.#driver = driver;
  }

  async newPage(): Promise<Page> {
    return new Page({ driver: await this.#driver.newPage(), context: this });
  }

  /** A background tab (`document.visibilityState` 'hidden'), in the engines that have one (not headless Chromium). */
  async newHiddenPage(): Promise<Page> {
    if (!this.#driver.newHiddenPage) throw new Error('this engine shows every page: no hidden tab');
    return new Page({ driver: await this.#driver.newHiddenPage(), context: this });
  }

  close(): Promise<void> {
    return this.#driver.close();
  }
}
