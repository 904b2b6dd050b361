/** `value` as JSON in base64url, as a JWT carries its header and payload. */
export const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned JWT with these claims (its signature part is a placeholder). */
export const jwt = (claims: unknown): string => `${base64url({ alg: 'none' })}.${base64url(claims)}.sig`;
