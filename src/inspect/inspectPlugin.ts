import type { InspectionEvent, Observer } from 'xstate';
import type { SessionPlugin } from '../session/plugin.js';
import { redactInspectionEvent } from './redact.js';
import { optionError } from '../session/optionChecks.js';

export type InspectOption = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

/**
 * Any XState inspector (`@statelyai/inspect`'s `inspector.inspect`, a function, an observer):
 * it receives the session's events and snapshots with every token the session held redacted.
 */
export function inspect(inspector: InspectOption): SessionPlugin {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller may pass anything; checked at run time
  if (typeof inspector !== 'function' && (typeof inspector !== 'object' || inspector === null)) {
    throw optionError("inspect's inspector", 'a function or an observer ({ next(event) })', inspector);
  }
  return {
    name: 'inspect',
    setup() {
      // Every token this session has held, so it is redacted wherever it shows up (inside an
      // error message too). Per session, and only when an inspector listens.
      const secrets = new Set<string>();
      return {
        inspect: {
          remember(tokens) {
            secrets.add(tokens.accessToken);
            if (tokens.refreshToken) secrets.add(tokens.refreshToken);
          },
          observe(event) {
            const redacted = redactInspectionEvent(event, secrets);
            if (typeof inspector === 'function') inspector(redacted);
            else inspector.next?.(redacted);
          },
        },
      };
    },
  };
}
