import * as oauth from 'oauth4webapi';
import { InvalidRefreshAnswerError } from '../../domain/errors/InvalidRefreshAnswerError.js';
import { InvalidTokenError } from '../../domain/errors/InvalidTokenError.js';
import { TokenEndpointError } from '../../domain/errors/TokenEndpointError.js';
import { oauthErrorCode } from './refreshErrors.js';

/**
 * One token request, sent again once at once when the server asks for a DPoP nonce
 * (RFC 9449 §8): that refusal consumed nothing, and the handle now holds the nonce. The answer
 * is oauth4webapi's validated RFC 6749 §5.1 body, snake_case, which the session reads as it is.
 */
export async function requestTokens(
  send: () => Promise<Response>,
  process: (response: Response) => Promise<oauth.TokenEndpointResponse>,
  nonceRetry = true,
): Promise<oauth.TokenEndpointResponse> {
  // Network failures and aborts pass as they are: the session retries them.
  const response = await send();
  try {
    return await process(response);
  } catch (error) {
    if (nonceRetry && oauth.isDPoPNonceError(error)) return requestTokens(send, process, false);
    throw toTokenEndpointError(error, response.status);
  }
}

/**
 * oauth4webapi's errors as one typed error. A refusal keeps its `error` code and status; an
 * unusable answer's body may hold tokens, so only its message and code are kept.
 */
function toTokenEndpointError(error: unknown, status: number): unknown {
  if (error instanceof oauth.ResponseBodyError || error instanceof oauth.WWWAuthenticateChallengeError) {
    const code = oauthErrorCode(error);
    return new TokenEndpointError(
      `The token endpoint refused the request: ${code ?? 'no error code'} (HTTP ${status})`,
      { status, error: code, cause: error },
    );
  }
  if (error instanceof oauth.OperationProcessingError || error instanceof oauth.UnsupportedOperationError) {
    const cause = Object.assign(new Error(error.message), { name: error.name, code: error.code });
    return new TokenEndpointError(`The token endpoint's answer is unusable: ${error.message} (HTTP ${status})`, {
      status,
      cause,
    });
  }
  return error;
}

/**
 * A refresh answered 2xx with a body that is no token set: the server may have rotated the
 * refresh token already, so the session must end rather than present it again. The core's
 * InvalidRefreshAnswerError says exactly that; any other failure is classified as it is.
 */
export function asRefreshFailure(error: unknown): unknown {
  if (!(error instanceof TokenEndpointError) || error.error !== undefined || !isSuccess(error.status)) return error;
  return new InvalidRefreshAnswerError(new InvalidTokenError(error.message));
}

const isSuccess = (status: number | undefined) => status !== undefined && status >= 200 && status < 300;
