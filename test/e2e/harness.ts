/** Starts the demo server and the engine E2E_ENGINE names (see engines/) for the browser tests. */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { playwrightPage as driverPlaywrightPage } from './engines/chromium.js';
import { ENGINE, launchEngine } from './engines/index.js';
import { Context, type Page } from './page.js';
import { startDemoServer, type DemoServerOptions } from '../../demo/startDemo.js';
import type { AuthHttpServer } from '../../server/createAuthHttpServer.js';
import type { RefreshFaultKind, RefreshFaults } from '../../server/refreshFaults.js';

export type RefreshFaultReport = ReturnType<RefreshFaults['report']>;

export type Mode = 'bearer' | 'cookie' | 'oauth';
export const MODES: Mode[] = ['bearer', 'cookie'];

export { ENGINE, ENGINE_TITLE, describeChromiumOnly, describeOnlyIn, itChromiumOnly } from './engines/index.js';
export type { Context, Page } from './page.js';

const screenshotDir = fileURLToPath(new URL(`./screenshots/${ENGINE}/`, import.meta.url));

export interface ServerStats {
  refreshCalls: number;
  refreshOk: number;
  reuseDetected: number;
  unauthorized: number;
}

/** OAuth mode: the embedded provider's counters, and the demo API's refusals of DPoP requests. */
export interface OAuthStats {
  codeGrants: number;
  refreshGrants: number;
  reuseDetected: number;
  revocations: number;
  unauthorized: number;
}

export interface Demo {
  server: AuthHttpServer;
  /** A fresh browser context (no storage, no cookies) on the page in `mode`. */
  open(mode: Mode): Promise<Page>;
  /** A background tab of its own context (Firefox and WebKit: `Context.newHiddenPage`). */
  openHidden(mode: Mode): Promise<Page>;
  /** `count` pages of the demo in one fresh context: tabs that share storage, cookies and locks; `query` is added to their address. */
  openTabs(mode: Mode, count: number, query?: string): Promise<Page[]>;
  /** Switches a fault on `/api/refresh` for `ms` (see server/refreshFaults.ts); returns the server's report. */
  refreshFault(kind: RefreshFaultKind, ms?: number, delay?: number): Promise<RefreshFaultReport>;
  /** The current fault and the refresh requests seen since it was set. */
  refreshFaultReport(): Promise<RefreshFaultReport>;
  stats(): Promise<ServerStats>;
  oauthStats(): Promise<OAuthStats>;
  debug(action: 'expire' | 'revoke' | 'reset'): Promise<void>;
  screenshot(page: Page, name: string): Promise<void>;
  /** Closes every page opened so far, so no session of a finished test keeps refreshing. */
  closePages(): Promise<void>;
  close(): Promise<void>;
}

export interface Browser {
  /** A fresh context (no storage, no cookies): its pages share storage, cookies and Web Locks. */
  newContext(): Promise<Context>;
  /** A page in a fresh context of its own. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** The engine E2E_ENGINE names, with the settings every browser test uses (engines/). */
export async function launchBrowser(): Promise<Browser> {
  const driver = await launchEngine();
  const newContext = async () => new Context(await driver.newContext());
  return {
    newContext,
    async newPage() {
      return (await newContext()).newPage();
    },
    close: () => driver.close(),
  };
}

export async function startDemo(options: DemoServerOptions = {}): Promise<Demo> {
  const server = await startDemoServer({ port: 0, ...options });
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (error) {
    await server.close();
    throw error;
  }
  const contexts = new Set<Context>();
  const pageErrors: string[] = [];
  await mkdir(screenshotDir, { recursive: true });

  async function newContext(): Promise<Context> {
    const context = await browser.newContext();
    contexts.add(context);
    return context;
  }

  async function openPage(context: Context, mode: Mode, query = '', hidden = false): Promise<Page> {
    const page = hidden ? await context.newHiddenPage() : await context.newPage();
    page.onPageError((message) => pageErrors.push(message));
    await page.goto(`${server.url}/?mode=${mode}${query}`);
    await whenDemoReady(page);
    return page;
  }

  return {
    server,
    async open(mode) {
      return openPage(await newContext(), mode);
    },
    async openHidden(mode) {
      return openPage(await newContext(), mode, '', true);
    },
    async openTabs(mode, count, query) {
      const context = await newContext();
      const pages: Page[] = [];
      for (let i = 0; i < count; i++) pages.push(await openPage(context, mode, query));
      return pages;
    },
    async refreshFault(kind, ms, delay) {
      const body = JSON.stringify({ kind, ms, delay });
      const response = await fetch(`${server.url}/api/debug/refresh-fault`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json' },
      });
      if (!response.ok) throw new Error(`refresh-fault ${kind} failed: ${response.status}`);
      return (await response.json()) as RefreshFaultReport;
    },
    async refreshFaultReport() {
      return (await (await fetch(`${server.url}/api/debug/refresh-fault`)).json()) as RefreshFaultReport;
    },
    async stats() {
      return (await (await fetch(`${server.url}/api/stats`)).json()) as ServerStats;
    },
    async oauthStats() {
      return (await (await fetch(`${server.url}/api/stats?of=extension`)).json()) as OAuthStats;
    },
    async debug(action) {
      const response = await fetch(`${server.url}/api/debug/${action}`, { method: 'POST' });
      if (!response.ok) throw new Error(`debug ${action} failed: ${response.status}`);
    },
    async screenshot(page, name) {
      await page.screenshot(`${screenshotDir}${name}.png`);
    },
    async closePages() {
      for (const context of contexts) await context.close();
      contexts.clear();
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await server.close();
      // An uncaught error in the page fails the file even when every assertion passed.
      if (pageErrors.length > 0) throw new Error(`errors in the page:\n${pageErrors.join('\n')}`);
    },
  };
}

/** The page module awaits its OAuth config first in OAuth mode: `tokenflightDemo` appears once that is in. */
export async function whenDemoReady(page: Page): Promise<void> {
  await page.waitForFunction(() => 'tokenflightDemo' in window);
  await page.evaluate(() => window.tokenflightDemo.ready);
}

/** Clicks a button and waits until the page finished the action it started. */
export async function clickAndWait(page: Page, selector: string): Promise<void> {
  const before = Number((await page.getAttribute('body', 'data-runs')) ?? 0);
  await page.click(selector);
  await page.waitForFunction((runs) => Number(document.body.dataset.runs ?? 0) > runs, before);
}

export interface ShownResult {
  title: string | null;
  refreshes: number;
  outcomes: string[];
  summary: string;
}

export async function shownResult(page: Page): Promise<ShownResult> {
  return page.evaluate(() => ({
    title: document.querySelector('#result')?.getAttribute('data-title') ?? null,
    refreshes: Number(document.querySelector('#result .refreshes')?.getAttribute('data-refreshes')),
    outcomes: [...document.querySelectorAll('#result .outcomes li')].map((item) => item.textContent),
    summary: document.querySelector('#result .summary')?.textContent ?? '',
  }));
}

export const sessionStatus = (page: Page) => page.evaluate(() => window.tokenflightDemo.session.status);

/** The states the page's diagram highlights, and how many of its elements are marked active. */
export const diagramState = (page: Page) =>
  page.evaluate(() => ({
    active: document.querySelector('#diagram')?.getAttribute('data-active') ?? '',
    highlighted: document.querySelectorAll('#diagram g.node.active, #diagram text.active').length,
  }));

/**
 * One demo server and browser per test file (or describe block): the server's state is reset
 * before each test and every page is closed after it, so a page left open cannot add a refresh
 * to the next test's count. The returned object stands for the demo once it is up.
 */
export function useDemo(options: DemoServerOptions = {}): Demo {
  let live: Demo | undefined;
  beforeAll(async () => {
    live = await startDemo(options);
  });
  afterAll(async () => {
    await live?.close();
  });
  beforeEach(async () => {
    await live?.debug('reset');
  });
  afterEach(async () => {
    await live?.closePages();
  });
  const current = (): Demo => {
    if (!live) throw new Error('the demo server is not up yet (use it inside a test)');
    return live;
  };
  return new Proxy({} as Demo, {
    get(_, key) {
      const demo = current();
      const value: unknown = Reflect.get(demo, key);
      if (typeof value !== 'function') return value;
      const bound: unknown = value.bind(demo);
      return bound;
    },
  });
}

/** The Playwright page behind a Chromium page, for the Chromium-only tests that speak the DevTools protocol. */
export const playwrightPage = (page: Page) => driverPlaywrightPage(page.driver);
