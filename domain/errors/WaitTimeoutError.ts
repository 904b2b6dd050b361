import { TokenflightError } from './TokenflightError.js';
/** A caller waited longer than `waitTimeout` for a token and gave up. */
export class WaitTimeoutError extends TokenflightError {
  override readonly name = 'WaitTimeoutError';
  declare readonly timeout: number;

  constructor(timeout: number) {
    super(`Waited longer than ${timeout} ms for a token`);
    this.timeout = timeout;
  }
}
