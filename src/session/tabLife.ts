import { clampDelay } from '../../domain/time.js';
import type { WakeReason } from '../../machines/authSessionTypes.js';

export interface TabLifeOptions {
  /** How often the sleep detector ticks, in ms. Default 10 000. */
  wakeCheckInterval?: number;
  /** A tick that arrives this much later than scheduled means the machine slept, in ms. Default 30 000. */
  wakeLateBy?: number;
}

/** The two DOM shapes used here, so this module compiles and imports without the DOM. */
interface Listenable {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}
interface PageDocument extends Listenable {
  readonly visibilityState?: string;
}

/**
 * Tells the session when the tab comes back to life: it became visible, the network returned,
 * or a timer fired far later than scheduled (the machine slept, or the tab was frozen). Throttled
 * and frozen tabs are exactly where the proactive timer is late, so these are the moments to
 * check the token. Outside a browser (Node, SSR, workers) it does nothing and touches nothing
 * beyond checking that `document` is absent. Returns the function that removes everything.
 */
export function watchTabLife(
  onWake: (reason: WakeReason) => void,
  now: () => number,
  options: TabLifeOptions | boolean = true,
): () => void {
  const page = globalThis as { document?: PageDocument; window?: Listenable };
  // `window` is read only where there is a document: a server render touches `document` alone.
  const doc = options ? page.document : undefined;
  const win = doc && page.window;
  if (!doc || !win) return () => {};

  // `true` has no such fields either: reading them off it gives the defaults.
  const settings = options as TabLifeOptions;
  const interval = Math.max(1, clampDelay(settings.wakeCheckInterval ?? 10_000));
  const lateBy = clampDelay(settings.wakeLateBy ?? 30_000);
  let lastTick = now();
  const ticker = setInterval(() => {
    const tick = now();
    if (tick - lastTick > interval + lateBy) onWake('resume');
    lastTick = tick;
  }, interval);
  const onVisibility = () => {
    if (doc.visibilityState === 'visible') onWake('visible');
  };
  const onOnline = () => onWake('online');
  doc.addEventListener('visibilitychange', onVisibility);
  win.addEventListener('online', onOnline);
  return () => {
    clearInterval(ticker);
    doc.removeEventListener('visibilitychange', onVisibility);
    win.removeEventListener('online', onOnline);
  };
}
