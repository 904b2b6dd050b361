export { SessionExpiredError } from './SessionExpiredError.js';
export { LoggedOutError } from './LoggedOutError.js';
export { QueueFullError } from './QueueFullError.js';
export { RefreshTimeoutError } from './RefreshTimeoutError.js';
export { WaitTimeoutError } from './WaitTimeoutError.js';
export { RefreshRejectedError } from './RefreshRejectedError.js';
export { InvalidTokenError } from './InvalidTokenError.js';
export { RefreshCooldownError } from './RefreshCooldownError.js';
export type { CauseOptions } from './causeOptions.js';
