/** The refresh call took longer than `refreshTimeout` and was aborted. */
export class RefreshTimeoutError extends Error {
  override readonly name = 'RefreshTimeoutError';
  readonly timeout: number;

  constructor(timeout: number) {
    super(`The token refresh took longer than ${timeout} ms and was aborted`);
    this.timeout = timeout;
  }
}
