import { TokenflightError } from './TokenflightError.js';
/** More callers are waiting for a token than `maxQueue` allows; this one was turned away. */
export class QueueFullError extends TokenflightError {
  override readonly name = 'QueueFullError';
  declare readonly maxQueue: number;

  constructor(maxQueue: number) {
    super(`The token queue is full (maxQueue: ${maxQueue})`);
    this.maxQueue = maxQueue;
  }
}
