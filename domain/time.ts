/** setTimeout fires at once for anything above 2^31-1 ms, so every delay goes through `clampDelay`. */
export const MAX_DELAY = 2 ** 31 - 1;

export function clampDelay(ms: number): number {
  // NaN survives max and min, and `|| 0` turns it into 0.
  return Math.min(Math.max(0, ms), MAX_DELAY) || 0;
}
