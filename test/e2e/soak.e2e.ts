/**
 * A seeded soak run: several demo tabs (cross-tab on) send requests all the time while the test
 * breaks things on a schedule drawn from a seeded PRNG: refresh outages (503, dropped
 * connections, hangs, slow answers), tabs paused in the debugger, tabs offline, tabs closed and
 * replaced. Checked: every request settles, no refresh token is presented twice, no session
 * ends that nobody ended, and every open tab ends on the same token. Prints the figures.
 * SOAK_SECONDS (default 35) and SOAK_SEED (default 1) change the run.
 */
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { RefreshFaultKind } from '../../server/refreshFaults.js';
import { clickAndWait, describeChromiumOnly, playwrightPage, useDemo, type Demo } from './harness.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 35);
const SEED = Number(process.env.SOAK_SEED ?? 1);
const TABS = 4;
const RETRIES = 2;
const COOLDOWN = 2_000;
const REFRESH_TIMEOUT = 1_500;
const QUERY = `&retries=${RETRIES}&minDelay=100&maxDelay=300&cooldown=${COOLDOWN}&refreshTimeout=${REFRESH_TIMEOUT}`;
/** Once the faults stop, every request still open must settle within this. */
const SETTLE_BOUND_MS = 15_000;

/** mulberry32: a small seeded PRNG, so a failing schedule can be replayed with its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Figures {
  requests: number;
  ok: number;
  statuses: Record<string, number>;
  rejections: Record<string, number>;
  pending: number;
  slowestMs: number;
  ends: Record<string, number>;
  /** Refresh requests the page sent (the server may see more: Chromium resends a dropped request on a new connection). */
  refreshCalls: number;
}

declare global {
  interface Window {
    soak?: Figures & { open: Map<number, number> };
  }
}

/** Starts the page's own request loop: one request every `every` ms, each outcome counted. */
const startLoad = (page: Page, every: number) =>
  page.evaluate((every) => {
    const soak = {
      requests: 0,
      ok: 0,
      statuses: {},
      rejections: {},
      pending: 0,
      slowestMs: 0,
      ends: {},
      refreshCalls: 0,
      open: new Map<number, number>(),
    } as NonNullable<Window['soak']>;
    window.soak = soak;
    const send = window.fetch;
    window.fetch = (input, init) => {
      if ((input instanceof Request ? input.url : String(input)).includes('/api/refresh')) soak.refreshCalls++;
      return send(input, init);
    };
    const count = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1);
    window.tokenflightDemo.session.on('expired', () => count(soak.ends, 'expired'));
    window.tokenflightDemo.session.on('logout', () => count(soak.ends, 'logout'));
    setInterval(() => {
      const id = ++soak.requests;
      const started = performance.now();
      soak.open.set(id, started);
      window.tokenflightDemo
        .authFetch(`/api/secret?soak=${id}`)
        .then((response) => (response.ok ? soak.ok++ : count(soak.statuses, String(response.status))))
        .catch((error: unknown) => count(soak.rejections, error instanceof Error ? error.name : String(error)))
        .finally(() => {
          soak.open.delete(id);
          soak.slowestMs = Math.max(soak.slowestMs, performance.now() - started);
        });
    }, every);
  }, every);

const figuresOf = (page: Page): Promise<Figures> =>
  page.evaluate(() => {
    const { open, ...figures } = window.soak!;
    return { ...figures, pending: open.size };
  });

const accessToken = (page: Page) => page.evaluate(() => window.tokenflightDemo.session.tokens?.accessToken ?? null);
/** The demo's cross-tab refresh lock (createCrossTab.ts: `tokenflight:<name>:refresh`). */
const REFRESH_LOCK = 'tokenflight:tokenflight-demo-bearer:refresh';
/**
 * Takes the origin's refresh lock in `page` and keeps it until the page closes: true once held,
 * so no tab has a refresh in flight and none can start one; false when not granted within `ms`.
 */
const holdRefreshLock = (page: Page, ms: number) =>
  page.evaluate(
    ({ name, ms }) =>
      new Promise<boolean>((resolve) => {
        navigator.locks
          .request(name, { signal: AbortSignal.timeout(ms) }, () => (resolve(true), new Promise<never>(() => {})))
          .catch(() => resolve(false));
      }),
    { name: REFRESH_LOCK, ms },
  );
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function add(total: Figures, part: Figures): void {
  total.requests += part.requests;
  total.ok += part.ok;
  total.pending += part.pending;
  total.refreshCalls += part.refreshCalls;
  total.slowestMs = Math.max(total.slowestMs, part.slowestMs);
  for (const key of ['statuses', 'rejections', 'ends'] as const) {
    for (const [name, n] of Object.entries(part[key])) total[key][name] = (total[key][name] ?? 0) + n;
  }
}

/** The run: its tabs, what the closed ones counted, and the outages with their attempt counts. */
function createRun(demo: Demo, context: BrowserContext, random: () => number) {
  const tabs: Page[] = [];
  const paused = new Set<Page>();
  const closed: Figures = {
    requests: 0,
    ok: 0,
    statuses: {},
    rejections: {},
    pending: 0,
    slowestMs: 0,
    ends: {},
    refreshCalls: 0,
  };
  const outages: { kind: RefreshFaultKind; ms: number; attempts: number; serverRequests: number }[] = [];
  const refreshCalls = async () =>
    (await Promise.all(live().map(figuresOf))).reduce((sum, figures) => sum + figures.refreshCalls, 0);
  const between = (low: number, high: number) => Math.round(low + random() * (high - low));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const live = () => tabs.filter((page) => !paused.has(page));

  async function openTab(): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${demo.server.url}/?mode=bearer${QUERY}`);
    await page.evaluate(() => window.tokenflightDemo.ready);
    await startLoad(page, between(150, 400));
    tabs.push(page);
    return page;
  }

  async function outage(): Promise<void> {
    const kind = pick(['fail', 'drop', 'hang', 'slow'] as const);
    const ms = between(800, 3_000);
    const before = await refreshCalls();
    await demo.refreshFault(kind, ms, kind === 'slow' ? between(100, REFRESH_TIMEOUT / 2) : 0);
    await demo.debug('expire');
    await sleep(ms);
    const serverRequests = (await demo.refreshFaultReport()).refreshRequests;
    outages.push({ kind, ms, attempts: (await refreshCalls()) - before, serverRequests });
  }

  /**
   * Paused at any moment, mid-refresh too: a tab frozen while its refresh is answered must take
   * that answer when it wakes (src/session/patientTimer.ts). Shorter than stealAfter (refreshTimeout +
   * 2 s), past which the other tabs take the holder for hung and refresh without it.
   */
  async function pause(): Promise<void> {
    if (live().length < 2) return;
    const page = pick(live());
    const cdp: CDPSession = await context.newCDPSession(page);
    await cdp.send('Debugger.enable');
    paused.add(page);
    await cdp.send('Debugger.pause');
    await sleep(between(500, 2_500));
    await cdp.send('Debugger.resume');
    await cdp.send('Debugger.disable');
    paused.delete(page);
    await cdp.detach();
  }

  /** At any moment: Chromium's offline emulation fails new requests, a refresh already sent still gets its answer. */
  async function offline(): Promise<void> {
    const page = pick(live());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const conditions = { latency: 0, downloadThroughput: -1, uploadThroughput: -1 };
    await cdp.send('Network.emulateNetworkConditions', { offline: true, ...conditions });
    await sleep(between(500, 2_000));
    await cdp.send('Network.emulateNetworkConditions', { offline: false, ...conditions });
    await cdp.detach();
  }

  /**
   * A tab closed mid-refresh takes the rotated refresh token with it: the other tabs can only
   * present the old one, which strict rotation takes for reuse. No client can settle that (see
   * docs/recipes.md), so the tab is closed only while it holds the refresh lock itself: no
   * refresh is in flight then, and closing the tab lets go of the lock.
   */
  async function closeOne(): Promise<void> {
    if (live().length < 2) return;
    const page = pick(live());
    if (!(await holdRefreshLock(page, 2_000))) return;
    add(closed, { ...(await figuresOf(page)), pending: 0 });
    tabs.splice(tabs.indexOf(page), 1);
    await page.close();
    await openTab();
  }

  async function step(): Promise<void> {
    const roll = random();
    if (roll < 0.35) await outage();
    else if (roll < 0.5) await demo.debug('expire').then(() => sleep(800));
    else if (roll < 0.7) await pause();
    else if (roll < 0.85) await offline();
    else await closeOne();
    await sleep(between(200, 700));
  }

  return { tabs, closed, outages, openTab, step };
}

describeChromiumOnly('CDP Debugger.pause and network emulation', 'soak', () => {
  const demo = useDemo({ accessTtl: 3_600 });

  it(
    `${SECONDS} s of outages, paused, offline and closed tabs (seed ${SEED}): nothing hangs, nothing is reused, nobody is logged out`,
    async () => {
      const first = (await demo.openTabs('bearer', 1, QUERY))[0]!;
      await clickAndWait(first, '#login');
      await first.close();
      // Every page load zeroes the server's counters; a reopened tab must not hide a reuse seen before it.
      const context = playwrightPage(first).context();
      await context.route('**/api/debug/reset-stats', (route) => route.fulfill({ json: { ok: true } }));
      const run = createRun(demo, context, prng(SEED));
      for (let i = 0; i < TABS; i++) await run.openTab();

      const deadline = Date.now() + SECONDS * 1_000;
      let steps = 0;
      while (Date.now() < deadline) {
        await run.step();
        steps++;
      }

      // Everything heals: no fault, every tab resumed and online. After the cooldown every tab
      // must get through again on one shared token, and whatever was still open must settle.
      await demo.refreshFault('none');
      await sleep(COOLDOWN + 500);
      await demo.debug('expire');
      await expect
        .poll(async () => new Set(await Promise.all(run.tabs.map(accessToken))).size, { timeout: 10_000 })
        .toBe(1);
      const settledBy = Date.now() + SETTLE_BOUND_MS;
      let open = Infinity;
      while (open > 0 && Date.now() < settledBy) {
        await sleep(250);
        // Requests keep starting; "open" counts those older than the bound.
        open = (
          await Promise.all(
            run.tabs.map((page) =>
              page.evaluate(
                (bound) => [...window.soak!.open.values()].filter((at) => performance.now() - at > bound).length,
                5_000,
              ),
            ),
          )
        ).reduce((a, b) => a + b, 0);
      }
      const totals: Figures = {
        ...run.closed,
        statuses: { ...run.closed.statuses },
        rejections: { ...run.closed.rejections },
        ends: { ...run.closed.ends },
      };
      for (const page of run.tabs) add(totals, await figuresOf(page));
      const stats = await demo.stats();

      console.log(
        [
          `soak: seed ${SEED}, ${SECONDS} s, ${steps} steps, ${run.tabs.length} tabs open at the end`,
          `requests ${totals.requests}, ok ${totals.ok}, statuses ${JSON.stringify(totals.statuses)}, typed rejections ${JSON.stringify(totals.rejections)}`,
          `hung (open > 5 s after healing) ${open}, slowest ${Math.round(totals.slowestMs)} ms, session ends ${JSON.stringify(totals.ends)}`,
          `server: refreshCalls ${stats.refreshCalls}, refreshOk ${stats.refreshOk}, reuseDetected ${stats.reuseDetected}`,
          `page refresh attempts ${totals.refreshCalls}`,
          `outages (kind ms → refresh attempts sent by the tabs / requests the server saw): ${run.outages.map((o) => `${o.kind} ${o.ms} → ${o.attempts}/${o.serverRequests}`).join(', ')}`,
        ].join('\n'),
      );

      expect(open).toBe(0);
      expect(stats.reuseDetected).toBe(0);
      expect(totals.ends).toEqual({});
      expect(totals.requests).toBeGreaterThan(0);
      // A failing outage costs at most retries + 1 attempts per round, and a round lasts at least the cooldown.
      for (const { kind, ms, attempts } of run.outages.filter((o) => o.kind === 'fail' || o.kind === 'drop')) {
        expect(attempts, `${kind} for ${ms} ms`).toBeLessThanOrEqual((RETRIES + 1) * (2 + Math.floor(ms / COOLDOWN)));
      }
    },
    (SECONDS + 90) * 1_000,
  );
});
