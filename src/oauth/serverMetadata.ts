import * as oauth from 'oauth4webapi';
import type { Transport } from './transport.js';
import { untilAborted } from '../../domain/abort.js';
import { DiscoveryError, type DiscoveryFailure } from '../../domain/errors/DiscoveryError.js';
import { OAuthConfigurationError } from '../../domain/errors/OAuthConfigurationError.js';

/** Where the authorization server is: its issuer (metadata by discovery) or its endpoints. */
export type ServerLocation =
  | { issuer: string | URL; endpoints?: undefined }
  | { issuer?: undefined; endpoints: { token: string | URL; revocation?: string | URL } };

/**
 * The server's metadata, fetched once (RFC 8414 / OpenID discovery) and shared by every caller.
 * A failed discovery is forgotten, so the next refresh tries again.
 */
export function serverMetadata(
  location: ServerLocation,
  transport: Transport,
): (signal?: AbortSignal) => Promise<oauth.AuthorizationServer> {
  if (location.endpoints) {
    const metadata = metadataFromEndpoints(location.endpoints);
    return () => Promise.resolve(metadata);
  }
  const issuer = new URL(location.issuer);
  let discovery: Promise<oauth.AuthorizationServer> | undefined;
  return (signal) => {
    discovery ??= discover(issuer, transport).catch((error: unknown) => {
      discovery = undefined;
      throw error;
    });
    return untilAborted(discovery, signal);
  };
}

/**
 * Discovery, its failures typed: a DiscoveryError naming the issuer and the URL for what may
 * pass (unreachable, timed out, malformed, 5xx), an OAuthConfigurationError caused by one for
 * what never will (a 404, another issuer, no token endpoint).
 */
async function discover(issuer: URL, transport: Transport): Promise<oauth.AuthorizationServer> {
  // oauth4webapi builds the metadata URL; the fetch it calls says which it was.
  let url = issuer.href;
  const send = transport.options[oauth.customFetch];
  const fail = (reason: DiscoveryFailure, cause: unknown, status?: number) => {
    const error = new DiscoveryError({ issuer: issuer.href, url, reason, status }, { cause });
    return error.permanent
      ? new OAuthConfigurationError('invalid_discovery', { cause: error, message: error.message })
      : error;
  };
  let response: Response;
  try {
    response = await oauth.discoveryRequest(issuer, {
      ...transport.options,
      [oauth.customFetch]: (target, init) => {
        url = target;
        return send(target, init);
      },
      signal: AbortSignal.timeout(transport.timeout),
    });
  } catch (error) {
    throw fail(error instanceof DOMException && error.name === 'TimeoutError' ? 'timeout' : 'unreachable', error);
  }
  if (response.status !== 200) throw fail('status', null, response.status);
  let metadata: oauth.AuthorizationServer;
  try {
    metadata = await oauth.processDiscoveryResponse(issuer, response);
  } catch (error) {
    const mismatch = error instanceof oauth.OperationProcessingError && error.code === oauth.JSON_ATTRIBUTE_COMPARISON;
    throw fail(mismatch ? 'issuerMismatch' : 'malformed', error);
  }
  if (typeof metadata.token_endpoint !== 'string') throw fail('noTokenEndpoint', null);
  return metadata;
}

function metadataFromEndpoints(endpoints: {
  token: string | URL;
  revocation?: string | URL;
}): oauth.AuthorizationServer {
  const token = new URL(endpoints.token);
  return {
    // Not discovered: no issuer to check; ID tokens are then the app's to validate.
    issuer: token.origin,
    token_endpoint: token.href,
    revocation_endpoint: endpoints.revocation === undefined ? undefined : new URL(endpoints.revocation).href,
  };
}
