/**
 * Real HS256 JWTs for the auth backend, made and checked with `jose`. The
 * secret lives only in this process, so tokens die with a restart.
 */
import { SignJWT, errors, jwtVerify, type JWTPayload } from 'jose';
import type { AccessClaims, AuthBackendOptions } from '../src/testing/authBackend.js';

type JwtCodec = Required<Pick<AuthBackendOptions, 'issueAccessToken' | 'verifyAccessToken'>>;

function toClaims(payload: JWTPayload): AccessClaims | null {
  const { sub, sid, jti, iat, exp } = payload;
  if (typeof sub !== 'string' || typeof sid !== 'string' || typeof jti !== 'string') return null;
  if (typeof iat !== 'number' || typeof exp !== 'number') return null;
  return { sub, sid, jti, iat, exp };
}

export function createJwtCodec(
  now: () => number = Date.now,
  secret: Uint8Array = crypto.getRandomValues(new Uint8Array(32)),
): JwtCodec {
  return {
    issueAccessToken: (claims) =>
      new SignJWT({ sid: claims.sid })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.sub)
        .setJti(claims.jti)
        .setIssuedAt(claims.iat)
        .setExpirationTime(claims.exp)
        .sign(secret),

    async verifyAccessToken(token) {
      try {
        const { payload } = await jwtVerify(token, secret, {
          algorithms: ['HS256'],
          currentDate: new Date(now()),
        });
        return toClaims(payload);
      } catch (error) {
        // The signature was checked before exp, so an expired token is genuine:
        // hand its claims to the backend, which owns the expiry decision.
        if (error instanceof errors.JWTExpired) return toClaims(error.payload);
        return null;
      }
    },
  };
}
