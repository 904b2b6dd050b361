import { TokenflightError } from './TokenflightError.js';
/** The refresh call took longer than `refreshTimeout` and was aborted. */
export class RefreshTimeoutError extends TokenflightError {
  override readonly name = 'RefreshTimeoutError';
  declare readonly timeout: number;

  constructor(timeout: number) {
    super(`The refresh took over ${timeout} ms and was aborted`);
    this.timeout = timeout;
  }
}
