import type { OAuthOptions } from './createOAuth.js';
import type { DPoPOptions } from './dpop.js';

export interface Settings {
  dpop: DPoPOptions | null;
  timeout: number;
}

/** Bad options are a TypeError (or RangeError) at creation, never a failed refresh later. */
export function validateOptions(options: OAuthOptions): Settings {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller may pass anything; checked at run time
  if (typeof options !== 'object' || options === null)
    throw new TypeError('tokenflight/oauth: oauth() needs an options object');
  if (typeof options.clientId !== 'string' || options.clientId.length === 0) {
    throw new TypeError('tokenflight/oauth: clientId must be a non-empty string');
  }
  if ((options.issuer === undefined) === (options.endpoints === undefined)) {
    throw new TypeError('tokenflight/oauth: give either issuer (discovery) or endpoints: { token, revocation? }');
  }
  if (options.issuer !== undefined) checkUrl('issuer', options.issuer);
  if (options.endpoints !== undefined) {
    checkUrl('endpoints.token', options.endpoints.token);
    if (options.endpoints.revocation !== undefined) checkUrl('endpoints.revocation', options.endpoints.revocation);
  }
  const timeout = options.timeout ?? 10_000;
  if (typeof timeout !== 'number' || !(timeout > 0)) {
    throw new RangeError(`tokenflight/oauth: timeout must be a number > 0, got ${String(timeout)}`);
  }
  const dpop = options.dpop;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller may pass anything; checked at run time
  if (dpop !== undefined && typeof dpop !== 'boolean' && (typeof dpop !== 'object' || dpop === null)) {
    throw new TypeError('tokenflight/oauth: dpop must be true, false or { keyStore?, algorithm? }');
  }
  checkLoginOptions(options);
  return { dpop: dpop === true ? {} : dpop || null, timeout };
}

/** The login and logout options: URLs, a scope, and browser parts that have the methods they will be asked for. */
function checkLoginOptions(options: OAuthOptions): void {
  if (options.redirectUri !== undefined) checkUrl('redirectUri', options.redirectUri);
  if (options.postLogoutRedirectUri !== undefined) checkUrl('postLogoutRedirectUri', options.postLogoutRedirectUri);
  if (options.scope !== undefined && (typeof options.scope !== 'string' || options.scope.trim() === '')) {
    throw new TypeError(`tokenflight/oauth: scope must be a non-empty string, got ${String(options.scope)}`);
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
    if (!valid) throw new TypeError(`tokenflight/oauth: ${name} must have ${methods.join(', ')}, got ${String(part)}`);
  }
  if (options.openWindow !== undefined && typeof options.openWindow !== 'function') {
    throw new TypeError(`tokenflight/oauth: openWindow must be a function, got ${typeof options.openWindow}`);
  }
}

function checkUrl(name: string, value: unknown): void {
  if (!(value instanceof URL) && (typeof value !== 'string' || !URL.canParse(value))) {
    throw new TypeError(`tokenflight/oauth: ${name} must be an absolute URL, got ${String(value)}`);
  }
}
