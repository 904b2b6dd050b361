import * as o4w from 'oauth4webapi';
import type { DPoPState } from './dpop.js';
import { requestTokens } from './tokenEndpoint.js';
import type { Transport } from './transport.js';

/** What the code exchange needs of the client. */
export interface ExchangeParts {
  metadata: () => Promise<o4w.AuthorizationServer>;
  client: o4w.Client;
  clientAuth: o4w.ClientAuth;
  transport: Transport;
  dpop: DPoPState | undefined;
  timeout: number;
}

/** What the login kept for its answer. */
export interface ExchangeInput {
  codeVerifier: string;
  redirectUri: string;
  expectedNonce?: string;
}

/**
 * The authorization code grant (RFC 6749 §4.1.3) with the PKCE verifier and the DPoP key, its
 * answer validated by oauth4webapi (the ID token's `iss`, `aud`, `exp`, `nonce`) and the ID
 * token's signature checked with the server's JWKS: its claims become the session's user.
 * @throws TokenEndpointError
 */
export async function exchangeAuthorizationCode(
  parts: ExchangeParts,
  parameters: URLSearchParams,
  input: ExchangeInput,
): Promise<o4w.TokenEndpointResponse> {
  const { client, transport } = parts;
  const server = await parts.metadata();
  const handle = await parts.dpop?.handle();
  const options = () => ({ ...transport.options, signal: AbortSignal.timeout(parts.timeout) });
  return requestTokens(
    () =>
      o4w.authorizationCodeGrantRequest(
        server,
        client,
        parts.clientAuth,
        parameters,
        input.redirectUri,
        input.codeVerifier,
        { ...options(), DPoP: handle },
      ),
    async (response) => {
      const answer = await o4w.processAuthorizationCodeResponse(server, client, response, {
        expectedNonce: input.expectedNonce,
      });
      if (answer.id_token !== undefined) await o4w.validateApplicationLevelSignature(server, response, options());
      return answer;
    },
  );
}
