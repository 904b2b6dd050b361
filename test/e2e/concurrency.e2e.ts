/**
 * Many requests with a token the server has just expired: tokenflight must
 * refresh exactly once, counted by the server's /api/stats, in both modes.
 */
import { describe, expect, it } from 'vitest';
import { MODES, useDemo, clickAndWait, sessionStatus, shownResult } from './harness.js';

const demo = useDemo();

describe.each(MODES)('%s mode: concurrent 401s', (mode) => {
  it.each([3, 50])('%i requests at once after /api/debug/expire make exactly one refresh', async (count) => {
    const page = await demo.open(mode);
    await clickAndWait(page, '#login');
    expect(await sessionStatus(page)).toBe('idle');
    await demo.debug('expire');

    // Scripted through window.tokenflightDemo, independent of the page's buttons.
    const statuses = await page.evaluate(async (n) => {
      const { authFetch } = window.tokenflightDemo;
      const responses = await Promise.all(Array.from({ length: n }, (_, i) => authFetch(`/api/secret?n=${i}`)));
      return responses.map((response) => response.status);
    }, count);

    expect(statuses).toEqual(Array.from({ length: count }, () => 200));
    expect(await demo.stats()).toEqual({ refreshCalls: 1, refreshOk: 1, reuseDetected: 0, unauthorized: count });
    expect(await sessionStatus(page)).toBe('idle');
  });

  it('the "fire 50" button shows 50 successes and one refresh', async () => {
    const page = await demo.open(mode);
    await clickAndWait(page, '#fire-50');
    const shown = await shownResult(page);
    expect(shown.summary).toBe('50 requests: 50 × 200');
    expect(shown.refreshes).toBe(1);
    expect(await demo.stats()).toMatchObject({ refreshCalls: 1, refreshOk: 1 });
    await demo.screenshot(page, `${mode}-fire-50`);
  });

  it('a stale 401 arriving after the refresh is replayed without a second refresh', async () => {
    const page = await demo.open(mode);
    await clickAndWait(page, '#stale');
    const shown = await shownResult(page);
    expect(shown.outcomes).toEqual(['/api/secret?delay=1500&item=slow → 200', '/api/secret?item=fast → 200']);
    expect(await demo.stats()).toMatchObject({ refreshCalls: 1, refreshOk: 1, reuseDetected: 0, unauthorized: 2 });
    await demo.screenshot(page, `${mode}-stale-401`);
  });

  it('after /api/debug/revoke and expiry the session reaches expired and the page says so', async () => {
    const page = await demo.open(mode);
    await clickAndWait(page, '#login');
    await demo.debug('revoke');
    await demo.debug('expire');
    const status = await page.evaluate(
      async () =>
        await window.tokenflightDemo
          .authFetch('/api/secret')
          .catch((error: unknown) => (error instanceof Error ? error.name : String(error))),
    );
    expect(status).toBe('SessionExpiredError');
    expect(await sessionStatus(page)).toBe('expired');
    expect(await page.textContent('#status')).toBe('expired');
    expect(await page.isVisible('#expired-banner')).toBe(true);
    expect(await demo.stats()).toMatchObject({ refreshCalls: 1, refreshOk: 0 });
  });
});
