// What the cluster tests and their worker processes say to each other over IPC.
import { createHash } from 'node:crypto';

export type WorkerMode = 'normal' | 'holdBeforeSend' | 'holdAfterAnswer';

export type ToWorker =
  | { type: 'mode'; mode: WorkerMode; holdMs: number }
  | { type: 'burst'; id: number; count: number; needs: 'token' | 'session' };

export type Outcome =
  { ok: true; token: string; ms: number } | { ok: false; error: string; cause: string | null; ms: number };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'refreshing' }
  | { type: 'answered'; token: string }
  | { type: 'burst'; id: number; outcomes: Outcome[] };

/** A token's fingerprint: tests compare tokens without carrying them around. */
export const fingerprint = (token: string) => createHash('sha256').update(token).digest('hex').slice(0, 12);
