import { TokenflightError } from './TokenflightError.js';
/** The login popup was closed (by the user, or it never opened: a popup blocker) before the provider answered. */
export class PopupClosedError extends TokenflightError {
  override readonly name = 'PopupClosedError';
  /** True when `window.open` gave no window (blocked), false when the open window was closed. */
  readonly blocked: boolean;

  constructor(blocked: boolean) {
    super(
      blocked ? 'The login popup was blocked by the browser' : 'The login popup was closed before the login completed',
    );
    this.blocked = blocked;
  }
}
