/**
 * Token helpers for the in-memory auth backend. Only web-platform globals
 * (btoa/atob, TextEncoder, crypto.getRandomValues) so the same code runs in
 * Node 20, in the browser and inside msw handlers.
 */

/** What the backend puts into every access token. Times are in seconds, like a JWT. */
export interface AccessClaims {
  /** The user name given at login. */
  sub: string;
  /** Session (refresh-token family) id. */
  sid: string;
  /** Unique id of this access token. */
  jti: string;
  iat: number;
  exp: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function base64urlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function base64urlDecode(text: string): Uint8Array {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** A random URL-safe string; 16 bytes = 128 bits, enough for ids and opaque tokens. */
export function randomId(bytes = 16): string {
  return base64urlEncode(crypto.getRandomValues(new Uint8Array(bytes)));
}

function isClaims(value: unknown): value is AccessClaims {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.sub === 'string' &&
    typeof record.sid === 'string' &&
    typeof record.jti === 'string' &&
    typeof record.iat === 'number' &&
    typeof record.exp === 'number'
  );
}

/** Reads the claims of any JWT-shaped token without checking a signature. */
export function decodeClaims(token: string): AccessClaims | null {
  const payload = token.split('.')[1];
  if (payload === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(decoder.decode(base64urlDecode(payload)));
    return isClaims(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * Default issuer: a JWT-shaped but unsigned token `header.claims.random`, so a
 * client can read `exp` like from a real JWT. It is unforgeable only because the
 * backend compares the whole string with the one it issued.
 */
export async function issueUnsignedToken(claims: AccessClaims): Promise<string> {
  const header = base64urlEncode(encoder.encode(JSON.stringify({ alg: 'none', typ: 'JWT' })));
  const body = base64urlEncode(encoder.encode(JSON.stringify(claims)));
  return `${header}.${body}.${randomId()}`;
}

export async function verifyUnsignedToken(token: string): Promise<AccessClaims | null> {
  return decodeClaims(token);
}
