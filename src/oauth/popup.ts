import { PopupClosedError } from '../../domain/errors/PopupClosedError.js';
import { PopupTimeoutError } from '../../domain/errors/PopupTimeoutError.js';
import { clampDelay } from '../../domain/time.js';
import type { PopupWindow } from './browser.js';

const ANSWER = 'tokenflight:login-answer';
// How often the opener looks whether the user closed the popup.
const CLOSED_CHECK_INTERVAL = 500;

/** The channel a popup's callback page and its opener share (same origin only, like postMessage to `origin`). */
export const answerChannelName = (clientId: string) => `tokenflight:login:${clientId}`;

/** The message the popup's callback page sends: the whole answer URL (the code is useless without this tab's PKCE verifier). */
export const answerMessage = (url: string) => ({ type: ANSWER, url });

/**
 * Waits for the answer to the login with `state` from the popup, by postMessage from the popup
 * (from `origin` only) or the BroadcastChannel (when the provider's pages cut `window.opener`).
 * Closes the popup when done. @throws PopupClosedError, PopupTimeoutError
 */
export function popupAnswer(
  popup: PopupWindow,
  expected: { state: string; origin: string; channel: string; timeout: number },
): Promise<URL> {
  return new Promise<URL>((resolve, reject) => {
    const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(expected.channel) : undefined;
    const take = (data: unknown) => {
      const url = answerUrl(data);
      if (url?.searchParams.get('state') === expected.state) finish(() => resolve(url));
    };
    const onMessage = (event: MessageEvent) => {
      if (event.origin === expected.origin) take(event.data);
    };
    if (channel) channel.onmessage = (event: MessageEvent) => take(event.data);
    // Workers and server runtimes may have no window events.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- not every runtime has window events
    globalThis.addEventListener?.('message', onMessage);
    // Closed on two checks in a row: the callback page closes itself right after posting its answer.
    let closedBefore = false;
    const closedCheck = setInterval(() => {
      if (closedBefore && popup.closed) finish(() => reject(new PopupClosedError(false)));
      closedBefore = popup.closed;
    }, CLOSED_CHECK_INTERVAL);
    const timer = setTimeout(
      () => finish(() => reject(new PopupTimeoutError(expected.timeout))),
      clampDelay(expected.timeout),
    );
    function finish(settle: () => void): void {
      clearInterval(closedCheck);
      clearTimeout(timer);
      channel?.close();
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- not every runtime has window events
      globalThis.removeEventListener?.('message', onMessage);
      if (!popup.closed) popup.close();
      settle();
    }
  });
}

function answerUrl(data: unknown): URL | null {
  if (typeof data !== 'object' || data === null || !('type' in data) || !('url' in data)) return null;
  return data.type === ANSWER && typeof data.url === 'string' && URL.canParse(data.url) ? new URL(data.url) : null;
}

/** In the popup, on the redirect URI: hands the answer to the opener and closes the popup. */
export function sendPopupAnswer(href: string, clientId: string): void {
  const message = answerMessage(href);
  const origin = new URL(href).origin;
  const opener: unknown = globalThis.opener;
  if (isMessageTarget(opener)) opener.postMessage(message, origin);
  if (typeof BroadcastChannel === 'function') {
    const channel = new BroadcastChannel(answerChannelName(clientId));
    channel.postMessage(message);
    channel.close();
  }
}

function isMessageTarget(value: unknown): value is { postMessage(message: unknown, origin: string): void } {
  return (
    typeof value === 'object' && value !== null && 'postMessage' in value && typeof value.postMessage === 'function'
  );
}
