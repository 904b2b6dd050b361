/**
 * The four cases of seed 001, clicked in the real page, in bearer and cookie
 * mode, checked against what the page shows and what the server counted.
 */
import { describe, expect, it } from 'vitest';
import { MODES, useDemo, clickAndWait, diagramState, sessionStatus, shownResult } from './harness.js';

const demo = useDemo();

describe.each(MODES)('%s mode: the four cases', (mode) => {
  it('1 · guest: public data loads, secret data is refused, nothing refreshes', async () => {
    const page = await demo.open(mode);
    await clickAndWait(page, '#case-guest');
    const shown = await shownResult(page);
    expect(shown.title).toBe('1 · Guest');
    expect(shown.outcomes).toEqual([
      '/api/secret?item=user → 401',
      '/api/secret?item=widget → 401',
      '/api/public?item=list → 200',
    ]);
    expect(shown.refreshes).toBe(0);
    expect(await sessionStatus(page)).toBe('loggedOut');
    expect(await diagramState(page)).toEqual({ active: 'loggedOut', highlighted: 1 });
    expect(await demo.stats()).toMatchObject({ refreshCalls: 0, unauthorized: 2 });
    await demo.screenshot(page, `${mode}-1-guest`);
  });

  it('2 · valid token: every request succeeds without a refresh', async () => {
    const page = await demo.open(mode);
    await clickAndWait(page, '#case-valid');
    const shown = await shownResult(page);
    expect(shown.outcomes.every((line) => line.endsWith('→ 200'))).toBe(true);
    expect(shown.outcomes).toHaveLength(3);
    expect(shown.refreshes).toBe(0);
    expect(await sessionStatus(page)).toBe('idle');
    // The idle state and its waiting child are lit in the diagram.
    expect(await diagramState(page)).toEqual({ active: 'idle idle.waiting', highlighted: 2 });
    expect(await demo.stats()).toEqual({ refreshCalls: 0, refreshOk: 0, reuseDetected: 0, unauthorized: 0 });
    await demo.screenshot(page, `${mode}-2-valid`);
  });

  it('3 · expired but refreshable: two 401s, one refresh, both replayed', async () => {
    const page = await demo.open(mode);
    await clickAndWait(page, '#case-refreshable');
    const shown = await shownResult(page);
    expect(shown.outcomes).toEqual([
      '/api/secret?item=user → 200',
      '/api/secret?item=widget → 200',
      '/api/public?item=list → 200',
    ]);
    expect(shown.refreshes).toBe(1);
    expect(await sessionStatus(page)).toBe('idle');
    // Two protected requests were refused once each; the public one needs no token.
    expect(await demo.stats()).toEqual({ refreshCalls: 1, refreshOk: 1, reuseDetected: 0, unauthorized: 2 });
    const log = await page.allTextContents('#log li');
    expect(log.filter((line) => line.includes('⟳ refresh started'))).toHaveLength(1);
    expect(log.filter((line) => line.includes('↻ replay'))).toHaveLength(2);
    await demo.screenshot(page, `${mode}-3-refreshable`);
  });

  it('4 · expired for good: one refused refresh, the session is expired and the page says so', async () => {
    const page = await demo.open(mode);
    await clickAndWait(page, '#case-expiredForGood');
    const shown = await shownResult(page);
    expect(shown.outcomes.filter((line) => line.startsWith('/api/secret'))).toEqual([
      '/api/secret?item=user → SessionExpiredError',
      '/api/secret?item=widget → SessionExpiredError',
    ]);
    expect(shown.refreshes).toBe(1);
    expect(await sessionStatus(page)).toBe('expired');
    expect(await diagramState(page)).toEqual({ active: 'expired', highlighted: 1 });
    expect(await page.textContent('#status')).toBe('expired');
    expect(await page.isVisible('#expired-banner')).toBe(true);
    expect(await demo.stats()).toMatchObject({ refreshCalls: 1, refreshOk: 0 });
    await demo.screenshot(page, `${mode}-4-expired-for-good`);
  });
});

describe('cookie mode keeps the JWT away from the page', () => {
  it('after login and a refresh the page holds only a CSRF token; the JWT is an HttpOnly cookie', async () => {
    const page = await demo.open('cookie');
    await clickAndWait(page, '#case-refreshable');
    expect(await demo.stats()).toMatchObject({ refreshOk: 1 });
    const seen = await page.evaluate(() => ({
      cookie: document.cookie,
      token: window.tokenflightDemo.session.tokens?.accessToken ?? '',
      refreshToken: window.tokenflightDemo.session.tokens?.refreshToken ?? null,
      stored: Object.keys(localStorage)
        .map((key) => localStorage.getItem(key) ?? '')
        .join('\n'),
    }));
    expect(seen.cookie).toBe('');
    expect(seen.token).toMatch(/^[\w-]{20,}$/);
    expect(seen.refreshToken).toBeNull();
    expect(seen.stored).not.toMatch(/eyJ/);
    const cookies = await page.cookies(`${demo.server.url}/api/`);
    const access = cookies.find((cookie) => cookie.name === 'tf_access');
    expect(access).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api' });
    expect(access?.value.startsWith('eyJ')).toBe(true);
  });
});
