import * as oauth from 'oauth4webapi';
import { RevocationError } from '../../domain/errors/RevocationError.js';
import type { TokenSet } from '../../domain/tokens.js';
import type { Transport } from './transport.js';

export interface RevocationContext {
  metadata: () => Promise<oauth.AuthorizationServer>;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  transport: Transport;
}

/**
 * RFC 7009: revokes the refresh token (the whole grant, at most servers), or the access token
 * when there is none. Resolves at once when the server has no revocation endpoint.
 * @throws RevocationError
 */
export async function revokeTokens(context: RevocationContext, tokens: TokenSet): Promise<void> {
  const [token, hint] = tokens.refreshToken
    ? [tokens.refreshToken, 'refresh_token']
    : [tokens.accessToken, 'access_token'];
  try {
    const metadata = await context.metadata();
    if (!metadata.revocation_endpoint) return;
    const response = await oauth.revocationRequest(metadata, context.client, context.clientAuth, token, {
      ...context.transport.options,
      additionalParameters: { token_type_hint: hint },
      signal: AbortSignal.timeout(context.transport.timeout),
    });
    await oauth.processRevocationResponse(response);
  } catch (error) {
    throw new RevocationError(`Revoking the ${hint.replace('_', ' ')} failed`, {
      status: statusOf(error),
      cause: error,
    });
  }
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof oauth.ResponseBodyError) return error.status;
  if (error instanceof oauth.OperationProcessingError && error.cause instanceof Response) return error.cause.status;
  return undefined;
}
