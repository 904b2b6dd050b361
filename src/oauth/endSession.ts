import type { AuthSession } from '../session/sessionTypes.js';
import { checkSession, type FlowContext } from './flowContext.js';

export interface ProviderLogoutOptions {
  /** Where the provider sends the browser afterwards. Default: the client's `postLogoutRedirectUri`. */
  postLogoutRedirectUri?: string;
  /** Handed back on the post-logout redirect. */
  state?: string;
}

/**
 * OpenID Connect RP-Initiated Logout 1.0: logs `session` out (every tab with `crossTab()`),
 * waits for the refresh token's revocation (RFC 7009; a failure goes to `onError`), then sends the
 * browser to the `end_session_endpoint` with `id_token_hint`, `client_id`,
 * `post_logout_redirect_uri` and `state`, which ends the provider's own login session. Without
 * an `end_session_endpoint` in the metadata it stops after the revocation.
 */
export async function endSession(
  context: FlowContext,
  parts: { session: AuthSession; revocation: () => Promise<void>; options: ProviderLogoutOptions },
): Promise<void> {
  checkSession(context, parts.session);
  const { options } = parts;
  for (const name of ['postLogoutRedirectUri', 'state'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'string') {
      throw new TypeError(`tokenflight/oauth: ${name} must be a string, got ${typeof options[name]}`);
    }
  }
  const idToken = context.user.get()?.idToken;
  parts.session.logout();
  await parts.revocation();
  const server = await context.metadata();
  if (!server.end_session_endpoint) return;
  const url = new URL(server.end_session_endpoint);
  const redirect = options.postLogoutRedirectUri ?? context.defaults.postLogoutRedirectUri;
  if (idToken) url.searchParams.set('id_token_hint', idToken);
  url.searchParams.set('client_id', context.client.client_id);
  if (redirect) url.searchParams.set('post_logout_redirect_uri', redirect);
  if (options.state) url.searchParams.set('state', options.state);
  context.browser.location().assign(url.href);
}
