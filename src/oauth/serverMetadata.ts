import * as oauth from 'oauth4webapi';
import type { Transport } from './transport.js';
import { untilAborted } from '../../domain/abort.js';

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

async function discover(issuer: URL, transport: Transport): Promise<oauth.AuthorizationServer> {
  const response = await oauth.discoveryRequest(issuer, {
    ...transport.options,
    signal: AbortSignal.timeout(transport.timeout),
  });
  return oauth.processDiscoveryResponse(issuer, response);
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
