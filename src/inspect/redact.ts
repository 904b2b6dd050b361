import type { ActorRefLike, AnyEventObject, InspectionEvent } from 'xstate';

export const REDACTED = '[redacted]';
const TOKEN_KEYS = new Set(['accessToken', 'refreshToken', 'usedAccessToken', 'token']);
const MAX_DEPTH = 8;

/** Each secrets set sorted longest first, kept until the set grows. */
const longestFirst = new WeakMap<ReadonlySet<string>, { size: number; sorted: string[] }>();

/** Longest first, so a token that contains another (`r-` + the access token) is replaced whole. */
function ordered(secrets: ReadonlySet<string>): string[] {
  const cached = longestFirst.get(secrets);
  if (cached && cached.size === secrets.size) return cached.sorted;
  const sorted = [...secrets].sort((a, b) => b.length - a.length);
  longestFirst.set(secrets, { size: secrets.size, sorted });
  return sorted;
}

/** `text` with every secret in it replaced, also where it is only part of the text (an error message). */
function redactString(text: string, secrets: ReadonlySet<string>): string {
  let result = text;
  for (const secret of ordered(secrets)) {
    // An empty secret would match everywhere.
    if (secret.length > 0 && result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  return result;
}

/**
 * A copy of `value` with every token replaced: values under token-named keys, and any string
 * containing a token the session has held. Errors keep their name and message; other class
 * instances (actor references among them) and anything nested too deep are left out.
 */
export function redactTokens(value: unknown, secrets: ReadonlySet<string>, depth = 0): unknown {
  if (typeof value === 'string') return redactString(value, secrets);
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((item) => redactTokens(item, secrets, depth + 1));
  if (value instanceof Error) {
    return { name: value.name, message: redactString(value.message, secrets) };
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    // An object made without a constructor (Object.create(proto)) has none to name.
    const constructor: unknown = Reflect.get(value, 'constructor');
    return `[${typeof constructor === 'function' && constructor.name ? constructor.name : 'object'}]`;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = TOKEN_KEYS.has(key) && item != null ? REDACTED : redactTokens(item, secrets, depth + 1);
  }
  return copy;
}

type AnyRecord = Record<string, unknown>;

/**
 * The parts of a snapshot an inspector shows, redacted. Built field by field rather than
 * copied, so nothing new in a snapshot (a child's live actor, its input) slips through.
 */
function redactSnapshot(snapshot: unknown, secrets: ReadonlySet<string>): AnyRecord {
  if (typeof snapshot !== 'object' || snapshot === null) return {};
  const source = snapshot as AnyRecord;
  const copy: AnyRecord = { status: source.status };
  for (const key of ['value', 'context', 'output', 'error', 'input'] as const) {
    if (key in source) copy[key] = redactTokens(source[key], secrets);
  }
  if (source.tags instanceof Set) copy.tags = [...source.tags].filter((tag) => typeof tag === 'string');
  if (typeof source.children === 'object' && source.children !== null) {
    copy.children = Object.fromEntries(
      Object.entries(source.children as Record<string, ActorRefLike>).map(([id, child]) => [
        id,
        redactActorRef(child, secrets),
      ]),
    );
  }
  // Questions about the state answer with booleans, never with its data; not enumerable, so
  // serializing inspectors skip them as they skip the originals' prototype-less functions.
  for (const method of ['matches', 'hasTag'] as const) {
    const fn = source[method];
    if (typeof fn !== 'function') continue;
    Object.defineProperty(copy, method, {
      value: (...args: unknown[]) => Boolean(fn.apply(snapshot, args)),
      enumerable: false,
    });
  }
  return copy;
}

interface ActorInternals {
  id?: unknown;
  src?: unknown;
  _parent?: ActorRefLike;
  logic?: { config?: unknown };
}

/** One stand-in per actor, so inspectors that key by reference see the same object every time. */
const standIns = new WeakMap<object, ActorRefLike>();

/**
 * A read-only stand-in for a live actor: its ids, its parent (as a stand-in), the machine
 * definition (static, no runtime data) and a `getSnapshot()` that redacts whatever the actor
 * holds when it is called. `@statelyai/inspect` reads `actorRef.getSnapshot()` on a later tick,
 * so handing it the live actor would hand it the tokens in the context and in the refresh
 * actor's input and output.
 */
export function redactActorRef(actorRef: ActorRefLike, secrets: ReadonlySet<string>): ActorRefLike {
  const existing = standIns.get(actorRef);
  if (existing) return existing;
  const internals = actorRef as ActorRefLike & ActorInternals;
  const config = internals.logic?.config;
  const standIn = {
    id: typeof internals.id === 'string' ? internals.id : undefined,
    sessionId: actorRef.sessionId,
    src: typeof internals.src === 'string' ? internals.src : undefined,
    _parent: internals._parent ? redactActorRef(internals._parent, secrets) : undefined,
    logic: typeof config === 'object' && config !== null ? { config } : {},
    getSnapshot: () => redactSnapshot(actorRef.getSnapshot(), secrets),
    send: () => {
      throw new Error('tokenflight: an inspector gets a read-only view of the session');
    },
    toJSON: () => ({ id: standIn.id, sessionId: standIn.sessionId }),
  };
  standIns.set(actorRef, standIn);
  return standIn;
}

/**
 * The inspection event as an inspector may see it: actors replaced by redacting stand-ins,
 * events, snapshots and action params redacted. Transition definitions in microsteps are the
 * machine's static config and pass through.
 */
export function redactInspectionEvent(event: InspectionEvent, secrets: ReadonlySet<string>): InspectionEvent {
  const base = { rootId: event.rootId, actorRef: redactActorRef(event.actorRef, secrets) };
  const redactEvent = (inner: AnyEventObject) => redactTokens(inner, secrets) as AnyEventObject;
  switch (event.type) {
    case '@xstate.actor':
      return { ...base, type: event.type };
    case '@xstate.event':
      return {
        ...base,
        type: event.type,
        event: redactEvent(event.event),
        sourceRef: event.sourceRef ? redactActorRef(event.sourceRef, secrets) : undefined,
      };
    case '@xstate.snapshot':
    case '@xstate.transition':
    case '@xstate.microstep': {
      const snapshot = redactSnapshot(event.snapshot, secrets) as never;
      const redactedEvent = redactEvent(event.event);
      // A microstep also lists the transitions taken: the machine's static config, no runtime data.
      return event.type === '@xstate.microstep'
        ? { ...base, type: event.type, event: redactedEvent, snapshot, _transitions: event._transitions }
        : { ...base, type: event.type, event: redactedEvent, snapshot };
    }
    case '@xstate.action':
      return {
        ...base,
        type: event.type,
        action: { type: event.action.type, params: redactTokens(event.action.params, secrets) },
      };
    default: {
      // An event type newer than this file: keep only what redacts cleanly.
      const unknownEvent = event as AnyRecord & InspectionEvent;
      const rest = Object.fromEntries(
        Object.entries(unknownEvent).filter(([key]) => key !== 'actorRef' && key !== 'rootId'),
      );
      return { ...base, ...(redactTokens(rest, secrets) as AnyRecord) } as unknown as InspectionEvent;
    }
  }
}
