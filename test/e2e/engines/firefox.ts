/** Firefox ESR: Debian's build driven by puppeteer-core over WebDriver BiDi. */
import { writeFile } from 'node:fs/promises';
import puppeteer, { type Page } from 'puppeteer-core';
import {
  callExpression,
  sentTo,
  toCookie,
  VIEWPORT,
  withinPopupWait,
  type DriverBrowser,
  type DriverPage,
} from './types.js';

const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
/** Firefox's console lines for a fetch its service worker failed ("Failed to load ‘…’. A ServiceWorker …"). */
const SERVICE_WORKER_NETWORK_ERROR = /^Failed to load ‘[^’]*’\. A ServiceWorker /;

export async function launchFirefox(): Promise<DriverBrowser> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    defaultViewport: VIEWPORT,
  });
  return {
    async newContext() {
      // A user context of its own: storage, cookies and locks apart from every other context.
      const context = await browser.createBrowserContext();
      return {
        async newPage() {
          return wrap(await context.newPage());
        },
        async newHiddenPage() {
          // Every page is a tab of one window: the tab opened next covers this one, which goes to the background.
          const hidden = await context.newPage();
          await context.newPage();
          return wrap(hidden);
        },
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

function wrap(page: Page): DriverPage {
  return {
    async goto(url) {
      await page.goto(url);
    },
    async reload() {
      await page.reload();
    },
    url: () => Promise.resolve(page.url()),
    evaluate: (fn, arg) => page.evaluate(callExpression(fn, arg)),
    async screenshot(path) {
      await writeFile(path, await page.screenshot({ fullPage: true, type: 'png' }));
    },
    setViewportSize: (size) => page.setViewport(size),
    async cookies(url) {
      return (await page.browserContext().cookies()).map(toCookie).filter(sentTo(url));
    },
    onPageError(listener) {
      page.on('pageerror', (error) => {
        const message = error instanceof Error ? error.message : String(error);
        // Firefox logs, as an error of the page, each fetch its service worker failed (msw's injected network
        // error answers with `Response.error()`): the page's fetch rejects and is handled; nothing was thrown.
        // An unhandled rejection would still come as an error of its own.
        if (SERVICE_WORKER_NETWORK_ERROR.test(message)) return;
        listener(message);
      });
    },
    userClick: (selector) => page.click(selector),
    async popup(trigger) {
      const opened = new Promise<Page>((resolve, reject) => {
        page.once('popup', (popup) => {
          if (popup) resolve(popup);
          else reject(new Error('firefox: a popup opened, but puppeteer could not attach to it'));
        });
      });
      const [popup] = await Promise.all([withinPopupWait(opened), trigger()]);
      return wrap(popup);
    },
    isClosed: () => Promise.resolve(page.isClosed()),
    close: () => page.close(),
  };
}
