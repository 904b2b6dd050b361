/**
 * A tab in the background (`document.visibilityState` 'hidden') with 4 s tokens, in the engines whose driver can
 * put one there (Firefox, WebKit): engines throttle a hidden tab's timers, and the session's proactive refresh
 * and its requests must hold up anyway.
 */
import { expect, it } from 'vitest';
import { clickAndWait, describeOnlyIn, ENGINE_TITLE, useDemo } from './harness.js';

const demo = useDemo({ accessTtl: 4 });

describeOnlyIn(['firefox', 'webkit'], 'headless Chromium shows every page', 'a hidden tab', () => {
  it("its requests carry a valid token past the first token's expiry, however late its throttled timers fire", async () => {
    const page = await demo.openHidden('bearer');
    expect(await page.evaluate(() => document.visibilityState)).toBe('hidden');
    await clickAndWait(page, '#login');
    const first = await page.evaluate(() => window.tokenflightDemo.session.tokens?.accessToken);
    // The proactive refresh is due about 2 s after login (half the lifetime); a hidden tab's timer may fire later.
    const started = Date.now();
    await page.waitForFunction((token) => window.tokenflightDemo.session.tokens?.accessToken !== token, first, {
      timeout: 10_000,
    });
    console.log(
      `${ENGINE_TITLE}, hidden tab: the proactive refresh came ${Date.now() - started} ms after login (due at ~2000)`,
    );
    // Past the first token's 4 s: whatever the timers did, a request goes out with a token the API accepts.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 4_500 - (Date.now() - started))));
    const statuses = await page.evaluate(() =>
      Promise.all(
        Array.from({ length: 5 }, async () => (await window.tokenflightDemo.authFetch('/api/secret')).status),
      ),
    );
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(await page.evaluate(() => document.visibilityState)).toBe('hidden');
    const stats = await demo.stats();
    expect(stats).toMatchObject({ reuseDetected: 0, unauthorized: 0 });
    expect(stats.refreshOk).toBe(stats.refreshCalls);
  });
});
