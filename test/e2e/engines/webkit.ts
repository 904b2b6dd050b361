/**
 * WebKit: WebKitGTK's MiniBrowser driven by WebKitWebDriver (classic WebDriver; this build has no BiDi)
 * under a private Xvfb display.
 *
 * Its quirks live here:
 * - One WebDriver session is one browser with one storage: a context is its own WebKitWebDriver and session.
 * - A session runs one command at a time, on the window it is switched to: every command goes through one
 *   queue and switches to its page's window first.
 * - A script that awaits would hold that queue (and so every other tab) until it settles: `evaluate` starts the
 *   function, parks its promise in the page and polls it, so tabs run their work at the same time as in
 *   Chromium and Firefox.
 * - No page-error events: a listener installed after each navigation records uncaught errors and unhandled
 *   rejections, and every evaluate brings them back (an error thrown while the page loads is not seen).
 * - New pages are windows, not tabs: each stays visible, as every page of Chromium is. A hidden page is a tab.
 * - No popup events: a popup is the window handle that was not there before the click.
 * - A script's `element.click()` carries no user activation, so `window.open` in it is blocked: a user's click
 *   goes through WebDriver's Element Click.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import WebDriver, { type Client } from 'webdriver';
import {
  callExpression,
  toCookie,
  VIEWPORT,
  type DriverBrowser,
  type DriverContext,
  type DriverPage,
  POPUP_WAIT_MS,
} from './types.js';

const MINIBROWSER = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const WEBKIT_WEBDRIVER = process.env.WEBKIT_WEBDRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
const POLL_MS = 20;

export async function launchWebKit(): Promise<DriverBrowser> {
  const display = await startXvfb();
  const contexts = new Set<DriverContext>();
  return {
    async newContext() {
      const context = await startContext(display.name);
      contexts.add(context);
      return {
        newPage: () => context.newPage(),
        newHiddenPage: () => context.newHiddenPage(),
        async close() {
          contexts.delete(context);
          await context.close();
        },
      };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      contexts.clear();
      await stop(display.process);
    },
  };
}

/** Xvfb on the first free display, which it reports through `-displayfd`. */
async function startXvfb(): Promise<{ name: string; process: ChildProcess }> {
  const xvfb = spawn(
    'Xvfb',
    ['-displayfd', '3', '-screen', '0', `${VIEWPORT.width}x${VIEWPORT.height + 200}x24`, '-nolisten', 'tcp'],
    {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    },
  );
  const fd = xvfb.stdio[3];
  if (!(fd instanceof Readable)) throw new Error('webkit: Xvfb gave no display pipe');
  let output = '';
  for await (const chunk of fd) {
    output += String(chunk);
    if (output.includes('\n')) break;
  }
  const number = output.trim();
  if (!/^\d+$/.test(number)) throw new Error(`webkit: Xvfb did not start (is the xvfb package installed?): ${output}`);
  return { name: `:${number}`, process: xvfb };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('webkit: no free port');
  return address.port;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

async function waitForDriver(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/status`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`webkit: WebKitWebDriver did not listen on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Context {
  newPage(): Promise<DriverPage>;
  newHiddenPage(): Promise<DriverPage>;
  close(): Promise<void>;
}

/** One WebKitWebDriver with one MiniBrowser session: the tabs of one context. */
async function startContext(display: string): Promise<Context> {
  const port = await freePort();
  const driver = spawn(WEBKIT_WEBDRIVER, [`--port=${port}`], {
    env: { ...process.env, DISPLAY: display },
    stdio: 'ignore',
  });
  await waitForDriver(port);
  // WebKitGTK's own capability, which the client's types do not list.
  const capabilities = {
    'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
    'wdio:enforceWebDriverClassic': true,
  };
  const client = await WebDriver.newSession({
    hostname: '127.0.0.1',
    port,
    // A poll of a page the test has just closed fails, as it should: not worth a log line.
    logLevel: 'silent',
    connectionRetryCount: 0,
    capabilities,
  });
  const queue = commandQueue(client);
  let unused: string | undefined = await client.getWindowHandle();
  let closed = false;
  return {
    async newPage() {
      // The session opens with one window: the first page takes it, later pages open windows of their own.
      const handle = unused ?? (await queue.run(null, async () => (await client.createWindow('window')).handle));
      unused = undefined;
      await queue.run(handle, () => client.setWindowRect(null, null, VIEWPORT.width, VIEWPORT.height));
      return webkitPage(client, queue, handle);
    },
    async newHiddenPage() {
      // A tab opens behind its window's current one and stays there: WebDriver does not bring it to the front.
      const { handle } = await queue.run(null, () => client.createWindow('tab'));
      return webkitPage(client, queue, handle);
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.deleteSession().catch(() => undefined);
      await stop(driver);
    },
  };
}

interface CommandQueue {
  /** Runs `command` after every command queued before it, on window `handle` (`null`: any window). */
  run<T>(handle: string | null, command: () => Promise<T>): Promise<T>;
}

function commandQueue(client: Client): CommandQueue {
  let tail: Promise<unknown> = Promise.resolve();
  let current: string | undefined;
  return {
    run(handle, command) {
      const result = tail.then(async () => {
        if (handle !== null && handle !== current) {
          await client.switchToWindow(handle);
          current = handle;
        }
        return command();
      });
      tail = result.catch(() => undefined);
      return result;
    },
  };
}

/** What the start and poll scripts return: a value, a pending id, or an error, with the page's new errors. */
interface Step {
  state: 'done' | 'pending' | 'error' | 'lost';
  value?: unknown;
  id?: string;
  message?: string;
  pageErrors: string[];
}

function isStep(value: unknown): value is Step {
  if (typeof value !== 'object' || value === null) return false;
  const state: unknown = Reflect.get(value, 'state');
  const pageErrors: unknown = Reflect.get(value, 'pageErrors');
  return (
    (state === 'done' || state === 'pending' || state === 'error' || state === 'lost') &&
    Array.isArray(pageErrors) &&
    pageErrors.every((message) => typeof message === 'string')
  );
}

const COLLECT_ERRORS = `
  if (!window.__e2ePageErrors) {
    window.__e2ePageErrors = [];
    window.addEventListener('error', (event) => window.__e2ePageErrors.push(event.message));
    window.addEventListener('unhandledrejection', (event) =>
      window.__e2ePageErrors.push(event.reason instanceof Error ? event.reason.message : String(event.reason)));
  }`;
const DRAIN_ERRORS = `(window.__e2ePageErrors ? window.__e2ePageErrors.splice(0) : [])`;

function startScript(expression: string): string {
  return `${COLLECT_ERRORS}
  let result;
  try { result = ${expression}; } catch (error) { return { state: 'error', message: String(error && error.message || error), pageErrors: ${DRAIN_ERRORS} }; }
  if (!result || typeof result.then !== 'function') return { state: 'done', value: result, pageErrors: ${DRAIN_ERRORS} };
  window.__e2eEvaluations = window.__e2eEvaluations || {};
  const id = String(Math.random()).slice(2);
  const parked = { state: 'pending' };
  window.__e2eEvaluations[id] = parked;
  result.then((value) => { parked.state = 'done'; parked.value = value; },
    (error) => { parked.state = 'error'; parked.message = String(error && error.message || error); });
  return { state: 'pending', id, pageErrors: ${DRAIN_ERRORS} };`;
}

function pollScript(id: string): string {
  return `const parked = window.__e2eEvaluations && window.__e2eEvaluations[${JSON.stringify(id)}];
  if (!parked) return { state: 'lost', pageErrors: ${DRAIN_ERRORS} };
  if (parked.state !== 'pending') delete window.__e2eEvaluations[${JSON.stringify(id)}];
  return { ...parked, pageErrors: ${DRAIN_ERRORS} };`;
}

function webkitPage(client: Client, queue: CommandQueue, handle: string): DriverPage {
  const errorListeners: ((message: string) => void)[] = [];
  const on = <T>(command: () => Promise<T>) => queue.run(handle, command);
  async function step(script: string): Promise<Step> {
    const answer: unknown = await on(() => client.executeScript(script, []));
    if (!isStep(answer)) throw new Error(`webkit: unexpected answer from the page: ${JSON.stringify(answer)}`);
    const step = answer;
    for (const message of step.pageErrors) for (const listener of errorListeners) listener(message);
    return step;
  }
  const installCollector = () => on(() => client.executeScript(COLLECT_ERRORS, []));
  return {
    async goto(url) {
      await on(() => client.navigateTo(url));
      await installCollector();
    },
    async reload() {
      await on(() => client.refresh());
      await installCollector();
    },
    url: () => on(() => client.getUrl()),
    async evaluate(fn, arg) {
      let result = await step(startScript(callExpression(fn, arg)));
      const id = result.id;
      while (result.state === 'pending' && id !== undefined) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        result = await step(pollScript(id));
      }
      if (result.state === 'error') throw new Error(`webkit: evaluate failed: ${result.message ?? ''}`);
      if (result.state === 'lost') throw new Error('webkit: the page navigated away before its evaluate settled');
      return result.value;
    },
    async screenshot(path) {
      await writeFile(path, Buffer.from(await on(() => client.takeScreenshot()), 'base64'));
    },
    async setViewportSize({ width, height }) {
      await on(() => client.setWindowRect(null, null, width, height));
    },
    async cookies(url) {
      // WebDriver gives only the cookies of the window's own address: a window of its own visits `url` to read them.
      // It runs on this page's window and ends back on it, so the queue's idea of the current window holds.
      const cookies = await on(async () => {
        const { handle: reader } = await client.createWindow('window');
        await client.switchToWindow(reader);
        await client.navigateTo(url);
        const found = await client.getAllCookies();
        await client.closeWindow();
        await client.switchToWindow(handle);
        return found;
      });
      return cookies.map(toCookie);
    },
    onPageError(listener) {
      errorListeners.push(listener);
    },
    async userClick(selector) {
      await on(async () => {
        const element = await client.findElement('css selector', selector);
        await client.elementClick(element['element-6066-11e4-a52e-4f735466cecf']);
      });
    },
    async popup(trigger) {
      const handles = () => queue.run(null, () => client.getWindowHandles());
      const before = new Set(await handles());
      await trigger();
      const deadline = Date.now() + POPUP_WAIT_MS;
      for (;;) {
        const opened = (await handles()).find((each) => !before.has(each));
        if (opened !== undefined) return webkitPage(client, queue, opened);
        if (Date.now() > deadline)
          throw new Error(`no window opened within ${POPUP_WAIT_MS} ms: did the engine block the popup?`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
    async isClosed() {
      return !(await queue.run(null, () => client.getWindowHandles())).includes(handle);
    },
    async close() {
      await on(() => client.closeWindow());
    },
  };
}
