import * as oauth from 'oauth4webapi';
import { TokenEndpointError } from '../../domain/errors/TokenEndpointError.js';
import type { CamelTokenInput } from '../../domain/tokens.js';

/** What `refresh` and `exchangeCode` hand the session: RFC 6749 §5.1's answer in the session's words. */
export type OAuthTokens = CamelTokenInput & {
  /** `bearer` or `dpop` (oauth4webapi lowercases it). */
  token_type: string;
  scope?: string;
};

/** The session's token set from a validated token endpoint answer. */
export function tokensFrom(response: oauth.TokenEndpointResponse): OAuthTokens {
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    expiresIn: response.expires_in,
    token_type: response.token_type,
    scope: response.scope,
  };
}

/**
 * One token request, sent again once at once when the server asks for a DPoP nonce
 * (RFC 9449 §8): that refusal consumed nothing, and the handle now holds the nonce.
 */
export async function requestTokens(
  send: () => Promise<Response>,
  process: (response: Response) => Promise<oauth.TokenEndpointResponse>,
): Promise<oauth.TokenEndpointResponse> {
  try {
    try {
      return await process(await send());
    } catch (error) {
      if (!oauth.isDPoPNonceError(error)) throw error;
    }
    return await process(await send());
  } catch (error) {
    throw toTokenEndpointError(error);
  }
}

/**
 * oauth4webapi's errors as one typed error. A refusal keeps its `error` code and status; an
 * unusable answer's body may hold tokens, so only its message and code are kept.
 */
export function toTokenEndpointError(error: unknown): unknown {
  if (error instanceof oauth.ResponseBodyError) {
    return new TokenEndpointError(`The token endpoint refused the request: ${error.error} (HTTP ${error.status})`, {
      status: error.status,
      error: error.error,
      cause: error,
    });
  }
  if (error instanceof oauth.OperationProcessingError) {
    const status = error.cause instanceof Response ? error.cause.status : undefined;
    const cause = Object.assign(new Error(error.message), { name: error.name, code: error.code });
    return new TokenEndpointError(`The token endpoint's answer is unusable: ${error.message}`, { status, cause });
  }
  // Network failures and aborts pass as they are: the session retries them.
  return error;
}
