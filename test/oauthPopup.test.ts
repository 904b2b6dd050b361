// Popup login against a real oidc-provider, in Node: the popup is a stand-in window whose
// navigation the test follows through the provider's pages; its callback page is a client of its
// own that hands the answer over by BroadcastChannel (real, Node's), as a popup whose opener the
// provider cut would. The opener exchanges the code: its tab holds the PKCE verifier.
import { describe, expect, it } from 'vitest';
import { PopupClosedError, PopupTimeoutError, oauth, type PopupWindow } from 'tokenflight/oauth';
import { useLoginPages } from './support/loginPages.js';
import { MapStorage } from './support/mapStorage.js';
import { appTab, providerBrowser } from './support/providerBrowser.js';

const { provider, pageLoad } = useLoginPages();

function standInPopup() {
  const opened: Array<{ url: string; target: string; features: string }> = [];
  const popup: PopupWindow & { closed: boolean } = {
    closed: false,
    close() {
      popup.closed = true;
    },
    location: { href: '' },
  };
  return {
    popup,
    opened,
    openWindow: (url: string, target: string, features: string) => {
      opened.push({ url, target, features });
      return popup;
    },
  };
}

describe('loginWithPopup', () => {
  it('logs in without leaving the page: the popup hands the answer back, the opener exchanges the code', async () => {
    const as = await provider();
    const stand = standInPopup();
    const tab = appTab('http://127.0.0.1/app/editor');
    const { op, session } = pageLoad(as, tab, new MapStorage(), { openWindow: stand.openWindow });

    const login = op.loginWithPopup(session, { appState: 'draft-7' });
    // Opened at once, inside the click: blank, then sent to the provider.
    expect(stand.opened).toEqual([{ url: '', target: 'tokenflight-login', features: 'popup,width=500,height=650' }]);
    await expect.poll(() => stand.popup.location.href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\?/);
    const answer = (await providerBrowser().visit(stand.popup.location.href)).landedAt;
    const popupPage = oauth({ issuer: as.issuer, clientId: 'spa', location: { href: answer.href, assign: () => {} } });
    popupPage.handlePopupCallback();

    const result = await login;
    expect(result).toMatchObject({ appState: 'draft-7', user: { sub: 'alice' } });
    expect(session.status).toBe('idle');
    expect(op.user?.sub).toBe('alice');
    expect(stand.popup.closed).toBe(true);
    expect(tab.href).toBe('http://127.0.0.1/app/editor');
    expect(as.counters.codeGrants).toBe(1);
  });

  it('the user closes the popup: PopupClosedError, no code exchange', async () => {
    const as = await provider();
    const stand = standInPopup();
    const tab = appTab();
    const { op, session } = pageLoad(as, tab, new MapStorage(), { openWindow: stand.openWindow });

    const login = op.loginWithPopup(session);
    await expect.poll(() => stand.popup.location.href).not.toBe('');
    stand.popup.close();

    const refusal = await login.catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(PopupClosedError);
    expect(refusal).toMatchObject({ name: 'PopupClosedError', blocked: false });
    expect(session.status).toBe('loggedOut');
    expect(as.counters.codeGrants).toBe(0);
    // The abandoned login is gone from the tab: a late answer could not complete it.
    expect(tab.loginStorage.getItem('tokenflight:login:spa')).toBeNull();
  });

  it('no answer in time: PopupTimeoutError, and the popup is closed', async () => {
    const as = await provider();
    const stand = standInPopup();
    const { op, session } = pageLoad(as, appTab(), new MapStorage(), { openWindow: stand.openWindow });

    const refusal = await op.loginWithPopup(session, { timeout: 300 }).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(PopupTimeoutError);
    expect(refusal).toMatchObject({ name: 'PopupTimeoutError', timeout: 300 });
    expect(stand.popup.closed).toBe(true);
    expect(session.status).toBe('loggedOut');
  });

  it('a blocked popup: PopupClosedError with blocked true, at once', async () => {
    const as = await provider();
    const { op, session } = pageLoad(as, appTab(), new MapStorage(), { openWindow: () => null });
    await expect(op.loginWithPopup(session)).rejects.toMatchObject({ name: 'PopupClosedError', blocked: true });
  });
});
