/**
 * Short-lived tokens (4 s): the session refreshes before expiry with no request
 * in flight, and a revoked refresh token ends the session on its own.
 */
import type { Page } from './page.js';
import { describe, expect, it } from 'vitest';
import { MODES, useDemo, clickAndWait, sessionStatus } from './harness.js';

const demo = useDemo({ accessTtl: 4 });

const waitForStatus = (page: Page, status: string) =>
  page.waitForFunction((wanted) => window.tokenflightDemo.session.status === wanted, status, { timeout: 10_000 });

describe.each(MODES)('%s mode: proactive refresh', (mode) => {
  it('refreshes ahead of expiry without any request', async () => {
    const page = await demo.open(mode);
    await clickAndWait(page, '#login');
    const firstToken = await page.evaluate(() => window.tokenflightDemo.session.tokens?.accessToken);
    // Margin: half of the 4 s lifetime, so the refresh is due after about 2 s.
    await page.waitForFunction(
      (token) => {
        const { session } = window.tokenflightDemo;
        return session.status === 'idle' && session.tokens !== null && session.tokens.accessToken !== token;
      },
      firstToken,
      { timeout: 10_000 },
    );
    expect(await demo.stats()).toMatchObject({ refreshOk: 1, reuseDetected: 0, unauthorized: 0 });
    const status = await page.evaluate(async () => (await window.tokenflightDemo.authFetch('/api/secret')).status);
    expect(status).toBe(200);
  });

  it('after /api/debug/revoke the next proactive refresh fails and the page shows expired', async () => {
    const page = await demo.open(mode);
    await clickAndWait(page, '#login');
    await demo.debug('revoke');
    await waitForStatus(page, 'expired');
    expect(await page.textContent('#status')).toBe('expired');
    expect(await page.isVisible('#expired-banner')).toBe(true);
    expect(await demo.stats()).toMatchObject({ refreshCalls: 1, refreshOk: 0, unauthorized: 0 });
    expect(await sessionStatus(page)).toBe('expired');
    await demo.screenshot(page, `${mode}-revoked-expired`);
  });
});
