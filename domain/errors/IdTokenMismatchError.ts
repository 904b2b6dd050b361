import { TokenflightError } from './TokenflightError.js';
/**
 * A refresh brought an ID token for another user or from another issuer or audience than the
 * session's (OpenID Connect Core §12.2: `iss`, `sub` and `aud` must be the same). The answer is
 * refused and the session expires: its refresh token was already spent on it.
 */
export class IdTokenMismatchError extends TokenflightError {
  override readonly name = 'IdTokenMismatchError';
  /** The first claim that differs. */
  readonly claim: 'iss' | 'sub' | 'aud';

  constructor(claim: 'iss' | 'sub' | 'aud') {
    super(`The refreshed ID token's ${claim} differs from the session's: refused (OpenID Connect Core 12.2)`);
    this.claim = claim;
  }
}
