import { TokenflightError } from './TokenflightError.js';
/**
 * A login answer this tab cannot take: its `state` names no login started here, or one already
 * completed (a reloaded callback page, a replayed or forged answer), or the URL holds no
 * authorization answer at all. Nothing was sent to the token endpoint.
 * `reason`: `'missing'` (no `state` in the answer) or `'unknown'` (no pending login has it).
 */
export class LoginStateError extends TokenflightError {
  override readonly name = 'LoginStateError';
  readonly reason: 'missing' | 'unknown';

  constructor(reason: 'missing' | 'unknown') {
    super(
      reason === 'missing'
        ? 'The URL holds no authorization answer (no state parameter)'
        : 'No login with this state is pending in this tab: it was completed already, started elsewhere, or never started',
    );
    this.reason = reason;
  }
}
