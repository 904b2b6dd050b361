import type { SessionPlugin } from '../session/plugin.js';
import { createCrossTab } from './createCrossTab.js';
import type { CrossTabOptions } from './types.js';

/**
 * One session for every tab of the origin: one refresh under a Web Lock, logins, refreshes,
 * logouts and expiry shared at once. `crossTab()` uses the name 'tokenflight'. Where the page
 * lacks Web Locks, BroadcastChannel or a shared storage, it warns once and adds nothing.
 */
export function crossTab(options: CrossTabOptions = {}): SessionPlugin {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller may pass anything; checked at run time
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('tokenflight: crossTab() takes an options object or nothing');
  }
  return {
    name: 'crossTab',
    setup: (host) =>
      createCrossTab({
        options,
        storage: host.storage,
        refreshTimeout: host.refreshTimeout,
        isTerminal: host.isTerminal,
        round: host.retry,
        now: host.now,
      }) ?? {},
  };
}
