import { RefreshRejectedError } from './errors/RefreshRejectedError.js';

const TERMINAL_STATUSES = new Set([400, 401, 403]);

function statusOf(error: object): unknown {
  if ('status' in error) return error.status;
  if ('response' in error && typeof error.response === 'object' && error.response !== null && 'status' in error.response) {
    return error.response.status;
  }
  return undefined;
}

/**
 * The default split between "the refresh token is dead" (terminal: the session expires) and
 * "try again later" (network errors, 5xx, timeouts): a `RefreshRejectedError`, or an error whose
 * `status` or `response.status` is 400, 401 or 403.
 */
export function isTerminalError(error: unknown): boolean {
  if (error instanceof RefreshRejectedError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const status = statusOf(error);
  return typeof status === 'number' && TERMINAL_STATUSES.has(status);
}
