import type { OAuthOptions } from './createOAuth.js';
import type { DPoPOptions } from './dpop.js';
import { checkOptionsObject, optionalFunction, optionError } from '../session/optionChecks.js';
import { shown } from '../session/optionChecks.js';

export interface Settings {
  dpop: DPoPOptions | null;
  timeout: number;
}

/** Bad options are a TypeError (or RangeError) at creation, never a failed refresh later. */
export function validateOptions(options: OAuthOptions): Settings {
  checkOptionsObject('oauth', options);
  if (typeof options.clientId !== 'string' || options.clientId.length === 0)
    throw optionError('clientId', 'a non-empty string', options.clientId);
  if ((options.issuer === undefined) === (options.endpoints === undefined)) {
    const got = options.issuer === undefined ? 'neither' : 'both';
    throw new TypeError(
      `tokenflight: issuer or endpoints must be given (issuer for discovery, or endpoints: { token, revocation? }), got ${got}`,
    );
  }
  if (options.issuer !== undefined) checkUrl('issuer', options.issuer);
  if (options.endpoints !== undefined) {
    checkUrl('endpoints.token', options.endpoints.token);
    if (options.endpoints.revocation !== undefined) checkUrl('endpoints.revocation', options.endpoints.revocation);
  }
  const timeout = options.timeout ?? 10_000;
  if (typeof timeout !== 'number' || !(timeout > 0)) throw optionError('timeout', 'a number > 0', timeout, RangeError);
  const dpop = options.dpop;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller may pass anything; checked at run time
  if (dpop !== undefined && typeof dpop !== 'boolean' && (typeof dpop !== 'object' || dpop === null)) {
    throw optionError('dpop', 'true, false or { keyStore?, algorithm? }', dpop);
  }
  checkRedirectOptions(options);
  if (options.allowInsecureRequests !== undefined && typeof options.allowInsecureRequests !== 'boolean')
    throw optionError('allowInsecureRequests', 'true or false', options.allowInsecureRequests);
  const metadata: unknown = options.clientMetadata;
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null))
    throw optionError('clientMetadata', 'an object', metadata);
  optionalFunction('fetch', options.fetch);
  optionalFunction('onError', options.onError);
  optionalFunction('clientAuth', options.clientAuth);
  return { dpop: dpop === true ? {} : dpop || null, timeout };
}

/** The login and logout options: URLs, a scope, and browser parts that have the methods they will be asked for. */
function checkRedirectOptions(options: OAuthOptions): void {
  if (options.redirectUri !== undefined) checkUrl('redirectUri', options.redirectUri);
  if (options.postLogoutRedirectUri !== undefined) checkUrl('postLogoutRedirectUri', options.postLogoutRedirectUri);
  if (options.scope !== undefined && (typeof options.scope !== 'string' || options.scope.trim() === '')) {
    throw new TypeError(`tokenflight/oauth: scope must be a non-empty string, got ${shown(options.scope)}`);
  }
  const par = options.pushedAuthorizationRequests;
  if (par !== undefined && typeof par !== 'boolean') {
    throw new TypeError(`tokenflight/oauth: pushedAuthorizationRequests must be a boolean, got ${typeof par}`);
  }
  const parts = { location: ['assign'], history: ['replaceState'], loginStorage: ['getItem', 'setItem', 'removeItem'] };
  for (const [name, methods] of Object.entries(parts)) {
    const part: unknown = options[name as keyof typeof parts];
    if (part === undefined) continue;
    const valid = typeof part === 'object' && part !== null && methods.every((method) => method in part);
    if (!valid) throw new TypeError(`tokenflight/oauth: ${name} must have ${methods.join(', ')}, got ${shown(part)}`);
  }
  if (options.openWindow !== undefined && typeof options.openWindow !== 'function') {
    throw new TypeError(`tokenflight/oauth: openWindow must be a function, got ${typeof options.openWindow}`);
  }
}

function checkUrl(name: string, value: unknown): void {
  if (!(value instanceof URL) && (typeof value !== 'string' || !URL.canParse(value))) {
    throw optionError(name, 'an absolute URL', value);
  }
}
