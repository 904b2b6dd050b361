/**
 * Faults for `/api/refresh`, switched on by tests and demos through `POST /api/debug/refresh-fault`:
 * for `ms` milliseconds every refresh answers 503 (`fail`), loses its connection (`drop`), gets
 * no answer until the fault ends (`hang`), or answers `delay` ms late (`slow`). Every refresh
 * request that arrives is counted, so a test can tell how many attempts an outage cost.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, sendJson, sleep } from './http.js';

export type RefreshFaultKind = 'none' | 'fail' | 'drop' | 'hang' | 'slow';
const KINDS: ReadonlySet<string> = new Set<RefreshFaultKind>(['none', 'fail', 'drop', 'hang', 'slow']);
/** No fault lasts longer than this, so a test that forgets to end one cannot stall the server. */
const MAX_FAULT_MS = 10 * 60_000;

export interface RefreshFaults {
  /** Applies the current fault to a refresh; true when the fault answered it (or dropped it). */
  apply(req: IncomingMessage, res: ServerResponse, closing: AbortSignal): Promise<boolean>;
  /** Sets the fault from a debug request's body: `{ kind, ms, delay }`. */
  set(body: Record<string, unknown>): void;
  /** What the debug endpoint reports: the fault, and the refresh requests seen since the last `set`. */
  report(): { kind: RefreshFaultKind; until: number; refreshRequests: number; faulted: number };
}

const bounded = (value: unknown, fallback: number) =>
  typeof value === 'number' && Number.isFinite(value) ? Math.min(Math.max(value, 0), MAX_FAULT_MS) : fallback;

export function createRefreshFaults(now: () => number): RefreshFaults {
  let kind: RefreshFaultKind = 'none';
  let until = 0;
  let delay = 0;
  let refreshRequests = 0;
  let faulted = 0;
  const active = () => kind !== 'none' && now() < until;

  return {
    async apply(req, res, closing) {
      refreshRequests += 1;
      if (!active()) return false;
      faulted += 1;
      if (kind === 'fail') return (sendJson(res, 503, { error: 'temporarily_unavailable' }), true);
      if (kind === 'drop') return (req.socket.destroy(), true);
      if (kind === 'hang') {
        await sleep(until - now(), closing);
        return (req.socket.destroy(), true);
      }
      // slow: answered as usual once the delay has passed.
      return !(await sleep(delay, closing));
    },
    set(body) {
      if (typeof body.kind !== 'string' || !KINDS.has(body.kind))
        throw new HttpError(400, 'kind must be none, fail, drop, hang or slow');
      kind = body.kind as RefreshFaultKind;
      until = now() + bounded(body.ms, MAX_FAULT_MS);
      delay = bounded(body.delay, 0);
      refreshRequests = 0;
      faulted = 0;
    },
    report: () => ({ kind: active() ? kind : 'none', until, refreshRequests, faulted }),
  };
}
