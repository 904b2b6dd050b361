import * as o4w from 'oauth4webapi';
import { LoginStateError } from '../../domain/errors/LoginStateError.js';
import { PopupClosedError } from '../../domain/errors/PopupClosedError.js';
import type { AuthSession } from '../session/sessionTypes.js';
import { authorizationRequest, type LoginOptions } from './authorizationRequest.js';
import { completeLogin, withoutAnswer, type ExchangeCode, type LoginResult } from './callback.js';
import { endSession, type ProviderLogoutOptions } from './endSession.js';
import { checkSession, type FlowContext } from './flowContext.js';
import { answerChannelName, popupAnswer, sendPopupAnswer } from './popup.js';
import type { UserClaims } from './userStore.js';

export interface PopupLoginOptions extends LoginOptions {
  /** Longest wait for the popup's answer, ms. Default 300 000 (five minutes). */
  timeout?: number;
}

/** Starting and ending the session at the provider: the client's login, callback, user and logout calls. */
export interface LoginCalls {
  /**
   * Sends the browser to the authorization endpoint (authorization code flow, PKCE S256, `state`,
   * `nonce`, `dpop_jkt` under DPoP, PAR when required or asked). Resolves as the browser leaves.
   */
  loginWithRedirect(options?: LoginOptions): Promise<void>;
  /** Whether the page's URL holds an authorization answer (`state` with `code` or `error`). */
  hasLoginAnswer(): boolean;
  /**
   * On the redirect URI: takes the answer out of the address bar (`history.replaceState`), then
   * completes the login this tab started and logs `session` in.
   * @throws LoginStateError, AuthorizationError, InvalidCallbackError, TokenEndpointError
   */
  handleRedirectCallback(session: AuthSession): Promise<LoginResult>;
  /**
   * The same login in a popup, without leaving the page. Call it from a click handler (the popup
   * opens at once, before any await). @throws PopupClosedError, PopupTimeoutError, and what
   * `handleRedirectCallback` throws
   */
  loginWithPopup(session: AuthSession, options?: PopupLoginOptions): Promise<LoginResult>;
  /** In the popup, on the redirect URI: hands the answer to the page that opened it. */
  handlePopupCallback(): void;
  /** The session's user (its ID token's claims) while it is logged in, else null. */
  readonly user: UserClaims | null;
  /** Called at once and whenever the user changes (login, a refresh's new ID token, logout, another tab). */
  subscribeUser(listener: (user: UserClaims | null) => void): () => void;
  /** The UserInfo endpoint's claims for the session's user (OpenID Connect Core §5.3). */
  fetchUserInfo(session: AuthSession): Promise<o4w.UserInfoResponse>;
  /** Logs out here, revokes the grant, and ends the provider's session (RP-Initiated Logout). */
  logoutAtProvider(session: AuthSession, options?: ProviderLogoutOptions): Promise<void>;
}

export function loginCalls(
  context: FlowContext,
  parts: { exchange: ExchangeCode; revocation: () => Promise<void> },
): LoginCalls {
  const location = () => context.browser.location();
  return {
    async loginWithRedirect(options) {
      const { url } = await authorizationRequest(context, options);
      location().assign(url.href);
    },
    hasLoginAnswer() {
      const parameters = new URL(location().href).searchParams;
      return parameters.has('state') && (parameters.has('code') || parameters.has('error'));
    },
    async handleRedirectCallback(session) {
      checkSession(context, session);
      const callbackUrl = new URL(location().href);
      // First of all: a reload of this page must not bring the answer back.
      context.browser.history().replaceState(null, '', withoutAnswer(callbackUrl).href);
      return completeLogin(context, { session, callbackUrl, exchange: parts.exchange });
    },
    loginWithPopup(session, options = {}) {
      checkSession(context, session);
      const timeout = options.timeout ?? 300_000;
      if (typeof timeout !== 'number' || !(timeout > 0)) {
        throw new RangeError(`tokenflight/oauth: timeout must be a number > 0, got ${String(timeout)}`);
      }
      // Synchronously, inside the click that called this: later, popup blockers refuse it.
      const popup = context.browser.open('', 'tokenflight-login', 'popup,width=500,height=650');
      if (!popup) return Promise.reject(new PopupClosedError(true));
      const login = async () => {
        const { url, state } = await authorizationRequest(context, options);
        popup.location.href = url.href;
        const callbackUrl = await popupAnswer(popup, {
          state,
          origin: new URL(location().href).origin,
          channel: answerChannelName(context.client.client_id),
          timeout,
        }).catch((error: unknown) => {
          // No answer will come: the pending login goes, so nothing can complete it later.
          context.pending.take(state);
          throw error;
        });
        return completeLogin(context, { session, callbackUrl, exchange: parts.exchange });
      };
      return login().finally(() => {
        if (!popup.closed) popup.close();
      });
    },
    handlePopupCallback() {
      const href = location().href;
      if (!new URL(href).searchParams.has('state')) throw new LoginStateError('missing');
      sendPopupAnswer(href, context.client.client_id);
    },
    get user() {
      return context.user.get()?.claims ?? null;
    },
    subscribeUser(listener) {
      if (typeof listener !== 'function') {
        throw new TypeError(`tokenflight/oauth: listener must be a function, got ${typeof listener}`);
      }
      listener(context.user.get()?.claims ?? null);
      return context.user.subscribe(listener);
    },
    async fetchUserInfo(session) {
      checkSession(context, session);
      const subject = context.user.get()?.claims.sub;
      const tokens = await session.getToken();
      const server = await context.metadata();
      const handle = await context.dpop?.handle();
      const response = await o4w.userInfoRequest(server, context.client, tokens.accessToken, {
        ...context.transport.options,
        DPoP: handle,
        signal: AbortSignal.timeout(context.timeout),
      });
      return o4w.processUserInfoResponse(server, context.client, subject ?? o4w.skipSubjectCheck, response);
    },
    logoutAtProvider(session, options = {}) {
      return endSession(context, { session, revocation: parts.revocation, options });
    },
  };
}
