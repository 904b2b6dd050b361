import type { SessionPlugin } from '../session/plugin.js';
import { createCrossTab } from './createCrossTab.js';
import { checkOptionsObject, optionalFunction, optionError } from '../session/optionChecks.js';
import { numberAtLeast } from '../session/sessionOptions.js';
import type { CrossTabOptions } from './types.js';

/**
 * One session for every tab of the origin: one refresh under a Web Lock, logins, refreshes,
 * logouts and expiry shared at once. `crossTab()` uses the name 'tokenflight'. Where the page
 * lacks Web Locks, BroadcastChannel or a shared storage, it warns once and adds nothing.
 */
export function crossTab(options: CrossTabOptions = {}): SessionPlugin {
  checkOptionsObject('crossTab', options);
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === ''))
    throw optionError('crossTab.name', 'a non-empty string', options.name);
  numberAtLeast('crossTab.stealAfter', options.stealAfter, undefined);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller may pass anything; checked at run time
  if (options.locks !== undefined && typeof options.locks?.request !== 'function')
    throw optionError('crossTab.locks', 'a lock manager (navigator.locks)', options.locks);
  optionalFunction('crossTab.channel', options.channel);
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
