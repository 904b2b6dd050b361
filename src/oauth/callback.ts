import * as o4w from 'oauth4webapi';
import { AuthorizationError } from '../../domain/errors/AuthorizationError.js';
import { InvalidCallbackError } from '../../domain/errors/InvalidCallbackError.js';
import { LoginStateError } from '../../domain/errors/LoginStateError.js';
import type { AuthSession } from '../session/sessionTypes.js';
import { checkSession, type FlowContext } from './flowContext.js';
import type { PendingLogin } from './pendingLogins.js';
import type { UserClaims, UserRecord } from './userStore.js';

/** What a completed login hands back. */
export interface LoginResult {
  /** The `appState` the login was started with, or null. */
  appState: unknown;
  /** The ID token's claims, or null when the server sent no ID token (no `openid` scope). */
  user: UserClaims | null;
}

/** The authorization response's parameters (RFC 6749 §4.1.2, RFC 9207), as the callback removes them from the address bar. */
export const CALLBACK_PARAMETERS = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri', 'session_state'];

/** The code exchange, as the client runs it: PKCE verifier, DPoP key, ID token claims and `nonce` checked. */
export type ExchangeCode = (parameters: URLSearchParams, pending: PendingLogin) => Promise<o4w.TokenEndpointResponse>;

/**
 * Completes the login whose answer `callbackUrl` holds: finds the pending login by `state` and
 * removes it before anything else (an answer is used once), validates the answer (an error
 * answer, `iss` per RFC 9207), exchanges the code, keeps the ID token's user, logs `session` in.
 * @throws LoginStateError, AuthorizationError, InvalidCallbackError, TokenEndpointError
 */
export async function completeLogin(
  context: FlowContext,
  parts: { session: AuthSession; callbackUrl: URL; exchange: ExchangeCode },
): Promise<LoginResult> {
  checkSession(context, parts.session);
  const state = parts.callbackUrl.searchParams.get('state');
  if (state === null) throw new LoginStateError('missing');
  const pending = context.pending.take(state);
  if (!pending) throw new LoginStateError('unknown');
  const server = await context.metadata();
  const parameters = validateAnswer(server, context.client, parts.callbackUrl, state);
  const answer = await parts.exchange(parameters, pending);
  const record = userRecordOf(answer);
  // Before the login: a tab that sees the new tokens (cross-tab) reads this user with them.
  context.user.save(record);
  parts.session.login(answer);
  return { appState: pending.appState, user: record?.claims ?? null };
}

function validateAnswer(server: o4w.AuthorizationServer, client: o4w.Client, url: URL, state: string): URLSearchParams {
  try {
    return o4w.validateAuthResponse(server, client, url, state);
  } catch (error) {
    if (error instanceof o4w.AuthorizationResponseError) {
      throw new AuthorizationError(error.error, error.error_description, { cause: error });
    }
    if (error instanceof o4w.OperationProcessingError) throw new InvalidCallbackError(error.message, { cause: error });
    throw error;
  }
}

/** The ID token of a token endpoint answer and its claims (validated by oauth4webapi), or null. */
export function userRecordOf(answer: o4w.TokenEndpointResponse): UserRecord | null {
  const claims = answer.id_token === undefined ? undefined : o4w.getValidatedIdTokenClaims(answer);
  return answer.id_token !== undefined && claims ? { idToken: answer.id_token, claims } : null;
}

/** The URL without the authorization answer's parameters. */
export function withoutAnswer(url: URL): URL {
  const clean = new URL(url);
  for (const name of CALLBACK_PARAMETERS) clean.searchParams.delete(name);
  return clean;
}
