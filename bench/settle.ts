/** Waiting on many requests, bounded: what settled, what did not, and when the last one settled. */

export const HUNG = -1;

export interface Settled {
  /** One status per request; HUNG when it had not settled by the deadline. */
  statuses: number[];
  /** performance.now() when the last request settled (the deadline if some hung). */
  lastAt: number;
}

export async function settleWithin(requests: Promise<number>[], deadlineMs: number): Promise<Settled> {
  const statuses = new Array<number>(requests.length).fill(HUNG);
  let lastAt = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, deadlineMs);
  });
  const all = Promise.all(
    requests.map((request, index) =>
      request.then((status) => {
        statuses[index] = status;
        lastAt = performance.now();
      }),
    ),
  );
  await Promise.race([all, deadline]);
  clearTimeout(timer);
  if (statuses.includes(HUNG)) lastAt = performance.now();
  return { statuses, lastAt };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export const count = (statuses: readonly number[], status: number) => statuses.filter((s) => s === status).length;
