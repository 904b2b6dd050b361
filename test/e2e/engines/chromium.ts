/** Chromium: Debian's build driven by playwright-core over the DevTools protocol. */
import { chromium, type Browser, type Page } from 'playwright-core';
import { callExpression, toCookie, VIEWPORT, withinPopupWait, type DriverBrowser, type DriverPage } from './types.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The Playwright page behind each driver page, for the Chromium-only tests that need the DevTools protocol. */
const playwrightPages = new WeakMap<DriverPage, Page>();

/** Debian's Chromium, headless, with the flags every browser test uses. */
export function launchPlaywrightChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export async function launchChromium(): Promise<DriverBrowser> {
  const browser = await launchPlaywrightChromium();
  return {
    async newContext() {
      const context = await browser.newContext({ viewport: VIEWPORT });
      return {
        async newPage() {
          return wrap(await context.newPage());
        },
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

function wrap(page: Page): DriverPage {
  const driverPage: DriverPage = {
    async goto(url) {
      await page.goto(url);
    },
    async reload() {
      await page.reload();
    },
    url: () => Promise.resolve(page.url()),
    evaluate: (fn, arg) => page.evaluate(callExpression(fn, arg)),
    async screenshot(path) {
      await page.screenshot({ path, fullPage: true });
    },
    setViewportSize: (size) => page.setViewportSize(size),
    async cookies(url) {
      return (await page.context().cookies(url)).map(toCookie);
    },
    onPageError(listener) {
      page.on('pageerror', (error) => listener(error.message));
    },
    userClick: (selector) => page.click(selector),
    async popup(trigger) {
      const [opened] = await Promise.all([withinPopupWait(page.waitForEvent('popup')), trigger()]);
      return wrap(opened);
    },
    isClosed: () => Promise.resolve(page.isClosed()),
    close: () => page.close(),
  };
  playwrightPages.set(driverPage, page);
  return driverPage;
}

/** The Playwright page of a Chromium page: only the Chromium-only tests (DevTools protocol) ask for it. */
export function playwrightPage(page: DriverPage): Page {
  const found = playwrightPages.get(page);
  if (!found) throw new Error('not a Chromium page: this test needs the DevTools protocol');
  return found;
}
