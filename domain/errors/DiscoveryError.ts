import { TokenflightError } from './TokenflightError.js';
import type { CauseOptions } from './causeOptions.js';

/**
 * Why discovery (RFC 8414 / OpenID Connect Discovery 1.0 §4) failed. `unreachable`, `timeout`,
 * `malformed` and a 5xx, 408 or 429 `status` may pass: a refresh retries them. The others
 * (another `status`, `issuerMismatch`, `noTokenEndpoint`) are a misconfiguration: the session
 * ends with an OAuthConfigurationError whose `cause` is this error.
 */
export type DiscoveryFailure =
  'unreachable' | 'timeout' | 'malformed' | 'status' | 'issuerMismatch' | 'noTokenEndpoint';

const WHAT: Record<DiscoveryFailure, string> = {
  unreachable: 'the server could not be reached',
  timeout: 'no answer in time',
  malformed: 'the answer is not a metadata document (JSON with an issuer)',
  status: 'the server answered HTTP',
  issuerMismatch: 'the document names another issuer (check `issuer`: scheme, host, path and trailing slash)',
  noTokenEndpoint: 'the document has no token_endpoint',
};

/** Discovery of the authorization server's metadata failed; names the issuer and the URL asked. */
export class DiscoveryError extends TokenflightError {
  override readonly name = 'DiscoveryError';
  readonly issuer: string;
  /** The metadata URL discovery requested. */
  readonly url: string;
  readonly reason: DiscoveryFailure;
  /** The HTTP status, for `status`. */
  readonly status: number | undefined;

  constructor(
    parts: { issuer: string; url: string; reason: DiscoveryFailure; status?: number },
    options?: CauseOptions,
  ) {
    const what = parts.reason === 'status' ? `${WHAT.status} ${String(parts.status)}` : WHAT[parts.reason];
    super(`Discovery for issuer ${parts.issuer} failed: ${what} (${parts.url})`, options);
    this.issuer = parts.issuer;
    this.url = parts.url;
    this.reason = parts.reason;
    this.status = parts.status;
  }

  /** A misconfiguration that no retry fixes. */
  get permanent(): boolean {
    if (this.reason === 'issuerMismatch' || this.reason === 'noTokenEndpoint') return true;
    const status = this.status;
    return this.reason === 'status' && status !== undefined && status < 500 && status !== 408 && status !== 429;
  }
}
