import type { InspectionEvent } from 'xstate';

export const REDACTED = '[redacted]';
const TOKEN_KEYS = new Set(['accessToken', 'refreshToken', 'usedAccessToken', 'token']);

/**
 * A copy of `value` with every token replaced: values under token-named keys, and any string
 * equal to a token the session has held. Class instances other than errors and plain data are
 * left out, so live actor references never reach an inspector.
 */
export function redactTokens(value: unknown, secrets: ReadonlySet<string>, depth = 0): unknown {
  if (typeof value === 'string') return secrets.has(value) ? REDACTED : value;
  if (typeof value !== 'object' || value === null || depth > 8) return value;
  if (Array.isArray(value)) return value.map((item) => redactTokens(item, secrets, depth + 1));
  if (value instanceof Error) {
    return { name: value.name, message: redactTokens(value.message, secrets, depth + 1) };
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return `[${value.constructor?.name ?? 'object'}]`;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = TOKEN_KEYS.has(key) && item != null ? REDACTED : redactTokens(item, secrets, depth + 1);
  }
  return copy;
}

/** The inspection event with its event, snapshot and action params redacted; the actorRef stays for ids. */
export function redactInspectionEvent(event: InspectionEvent, secrets: ReadonlySet<string>): InspectionEvent {
  const copy = { ...event } as InspectionEvent & Record<string, unknown>;
  if ('event' in event) copy.event = redactTokens(event.event, secrets) as typeof event.event;
  if ('snapshot' in event) {
    const snapshot = event.snapshot as unknown as Record<string, unknown>;
    copy.snapshot = {
      ...snapshot,
      context: redactTokens(snapshot.context, secrets),
      output: redactTokens(snapshot.output, secrets),
      error: redactTokens(snapshot.error, secrets),
      input: redactTokens(snapshot.input, secrets),
    } as unknown as typeof event.snapshot;
  }
  if ('action' in event) copy.action = { type: event.action.type, params: redactTokens(event.action.params, secrets) };
  return copy;
}
