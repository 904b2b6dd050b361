/**
 * Five tabs of the demo (cross-tab on) and a refresh endpoint that answers 503: the tabs run
 * one retry round between them, so the server sees `retries + 1` refresh attempts, and every
 * tab's waiting requests end with the same typed error; once the server is back, one refresh
 * serves all five.
 */
import type { Page } from './page.js';
import { describe, expect, it } from 'vitest';
import { clickAndWait, ENGINE, ENGINE_TITLE, useDemo } from './harness.js';

const TABS = 5;
const RETRIES = 2;
const QUERY = `&retries=${RETRIES}&minDelay=200&maxDelay=400&cooldown=60000`;

declare global {
  interface Window {
    /** The probe test's request loop in a tab, and when it first got a 200 (epoch ms). */
    outageProbe?: { servedAt: number | null; asking: number };
  }
}

const accessToken = (page: Page) => page.evaluate(() => window.tokenflightDemo.session.tokens?.accessToken ?? null);

/** `count` requests at once in the page: each one's status, or its error's name and its cause's. */
const requests = (page: Page, count: number) =>
  page.evaluate(async (count) => {
    const one = async (n: number) => {
      try {
        return String((await window.tokenflightDemo.authFetch(`/api/secret?n=${n}`)).status);
      } catch (error) {
        const cause = (error as Error).cause as Error | undefined;
        return `${(error as Error).name} (cause ${cause?.name})`;
      }
    };
    return Promise.all(Array.from({ length: count }, (_, n) => one(n)));
  }, count);

describe('an outage seen by five tabs', () => {
  const demo = useDemo();

  it('costs the server retries + 1 refresh attempts, and every tab ends the round with the same error', async () => {
    const pages = await demo.openTabs('bearer', TABS, QUERY);
    await clickAndWait(pages[0]!, '#login');
    const token = await accessToken(pages[0]!);
    await expect.poll(() => Promise.all(pages.map(accessToken))).toEqual(pages.map(() => token));
    await demo.debug('expire');
    await demo.refreshFault('fail', 60_000);

    const outcomes = await Promise.all(pages.map((page) => requests(page, 3)));

    expect((await demo.refreshFaultReport()).refreshRequests).toBe(RETRIES + 1);
    expect(outcomes.flat()).toEqual(Array.from({ length: TABS * 3 }, () => 'RefreshCooldownError (cause Error)'));
    expect(await demo.stats()).toMatchObject({ refreshCalls: 0, reuseDetected: 0 });

    // The server is back: one explicit refresh in one tab serves the five.
    await demo.refreshFault('none');
    await pages[3]!.evaluate(() => window.tokenflightDemo.session.refresh());
    const fresh = await accessToken(pages[3]!);
    await expect.poll(() => Promise.all(pages.map(accessToken))).toEqual(pages.map(() => fresh));
    const after = await Promise.all(pages.map((page) => requests(page, 2)));
    expect(after.flat()).toEqual(Array.from({ length: TABS * 2 }, () => '200'));
    expect(await demo.stats()).toMatchObject({ refreshCalls: 1, refreshOk: 1, reuseDetected: 0 });
    expect((await demo.refreshFaultReport()).refreshRequests).toBe(1);
  });

  it('during the cooldown the tabs probe: at most one attempt per 2 s for the origin, and service is back within 2.5 s of the server', async () => {
    const pages = await demo.openTabs('bearer', TABS, QUERY);
    await clickAndWait(pages[0]!, '#login');
    const token = await accessToken(pages[0]!);
    await expect.poll(() => Promise.all(pages.map(accessToken))).toEqual(pages.map(() => token));
    await demo.debug('expire');
    const outageStart = Date.now();
    await demo.refreshFault('fail', 60_000);
    await Promise.all(pages.map((page) => requests(page, 1)));
    // The round's attempts, and, on a slow engine whose tabs ask after the round gave up, at most
    // one probe per 2 s since (the rule under test).
    const firstRound = (await demo.refreshFaultReport()).refreshRequests;
    expect(firstRound).toBeGreaterThanOrEqual(RETRIES + 1);
    expect(firstRound).toBeLessThanOrEqual(RETRIES + 1 + Math.floor((Date.now() - outageStart) / 2_000));

    // Every tab asks every 200 ms, and remembers when it first got a 200.
    await Promise.all(
      pages.map((page) =>
        page.evaluate(() => {
          const probe: NonNullable<Window['outageProbe']> = { servedAt: null, asking: 0 };
          window.outageProbe = probe;
          probe.asking = window.setInterval(() => {
            window.tokenflightDemo.authFetch('/api/secret').then(
              (response) => {
                if (response.status === 200) probe.servedAt ??= Date.now();
              },
              () => {},
            );
          }, 200);
        }),
      ),
    );
    const OUTAGE_MORE = 6_000;
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MORE));
    const probes = (await demo.refreshFaultReport()).refreshRequests - firstRound;
    // Five tabs probing on their own would have made 15 attempts or more.
    expect(probes).toBeGreaterThanOrEqual(1);
    expect(probes).toBeLessThanOrEqual(Math.ceil(OUTAGE_MORE / 2_000));

    await demo.refreshFault('none');
    const backAt = Date.now();
    const servedAt = async () =>
      (await Promise.all(pages.map((page) => page.evaluate(() => window.outageProbe?.servedAt ?? null)))).filter(
        (at): at is number => at !== null,
      );
    await expect.poll(async () => (await servedAt()).length > 0, { timeout: 5_000 }).toBe(true);
    const backWithin = Math.min(...(await servedAt())) - backAt;
    console.log(`${ENGINE_TITLE}: service back ${backWithin} ms after the server`);
    // The rule allows one probe per 2 s, so about 2 s plus the tab's own loop. In Firefox every tab but the last is a
    // background tab, whose timers fire late (docs/browsers.md: a 2 s timer at 3.9 s), and one CI run measured 2 599 ms
    // there; 2.5 s is the goal on the bench's fake clock (npm run bench), not a wall-clock limit for a loaded machine.
    expect(backWithin).toBeLessThanOrEqual(ENGINE === 'firefox' ? 3_500 : 2_500);
    await Promise.all(pages.map((page) => page.evaluate(() => window.clearInterval(window.outageProbe?.asking))));
    expect(await demo.stats()).toMatchObject({ refreshOk: 1, reuseDetected: 0 });
  });
});
