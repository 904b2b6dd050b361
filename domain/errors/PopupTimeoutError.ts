import { TokenflightError } from './TokenflightError.js';
/** The login popup gave no answer within the time allowed (`popupTimeout`); the popup is closed. */
export class PopupTimeoutError extends TokenflightError {
  override readonly name = 'PopupTimeoutError';
  readonly timeout: number;

  constructor(timeout: number) {
    super(`The login popup gave no answer within ${timeout} ms`);
    this.timeout = timeout;
  }
}
