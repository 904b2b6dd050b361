import type { AuthSession } from '../session/createAuthSession.js';
import { createOriginAllowList } from './origins.js';
import { optionError } from '../session/optionChecks.js';
import type { TokenSet } from '../../domain/tokens.js';
import { refusalGuardFor, type RefusalGuard } from './refusalGuard.js';
import { createReplayLimit, NO_LIMIT, type ReplayLimit } from './replayLimit.js';
import type { TokenScheme } from '../session/scheme.js';
import { warnUnlistedOrigin } from './unlistedOrigin.js';
import { untilAborted } from '../../domain/abort.js';

/** What every adapter (fetch, axios, ky) accepts on top of its own hooks. */
export interface AdapterOptions {
  /** Exact origins that receive the token. Default: the page's origin in a browser, none elsewhere. */
  origins?: readonly string[];
  /**
   * How many requests released by one refresh (queued while it ran, or replayed after a 401) go
   * out at once; the rest follow in the order they were queued. Default: no limit.
   */
  maxConcurrentReplays?: number;
  /**
   * How the token goes on a request and how refusals are read. Default: the session's scheme
   * (`Authorization: Bearer …` unless a plugin gives another). Cookie sessions:
   * `headerScheme('X-CSRF-Token')`.
   */
  scheme?: TokenScheme;
}

/** A token for one request, and whether that request waited for a refresh (so its send is a replay). */
export interface Grant {
  tokens: TokenSet;
  replay: boolean;
}

/** The session side of every adapter: one piece of code for who gets a token and when. */
export interface AuthGate {
  /** How this adapter puts tokens on requests and reads refusals. */
  readonly scheme: TokenScheme;
  /** The session's refusal storm guard, shared by all its adapters. */
  readonly holdsRefusal: RefusalGuard;
  /** Sends a replay when a replay slot is free (`maxConcurrentReplays`; `NO_LIMIT` when none was set). */
  readonly inReplaySlot: ReplayLimit;
  /** An origin that may receive the token. */
  allows(url: URL): boolean;
  /** An allowed origin, and a session that holds tokens (a guest or an ended session sends requests as they are). */
  covers(url: URL): boolean;
  /** The token for a request, to await, and at once whether its send is a replay (it waited for a refresh). */
  wait(signal?: AbortSignal): { tokens: Promise<TokenSet>; replay: boolean };
  /** After the server refused `usedAccessToken`: the token to replay with (the current one if it was stale). */
  regrant(usedAccessToken: string, signal?: AbortSignal): Promise<TokenSet>;
}

// A caller that aborts its request stops waiting for a token too (untilAborted).
export function createAuthGate(session: AuthSession, options: AdapterOptions = {}): AuthGate {
  const isAllowed = createOriginAllowList(options.origins);
  const scheme = options.scheme ?? session.scheme;
  // Checked once, when the adapter is made: a clear error instead of a failure per request.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller may pass anything; checked at run time
  if (typeof scheme?.authorize !== 'function')
    throw optionError('scheme', 'a token scheme with an authorize function (bearerScheme, headerScheme(name))', scheme);
  return {
    scheme,
    holdsRefusal: refusalGuardFor(session),
    inReplaySlot: createReplayLimit(options.maxConcurrentReplays),
    allows: isAllowed,
    covers(url) {
      const allowed = isAllowed(url);
      if (!allowed) {
        // Unguarded, so bundlers replace it: Vite (dev server and build), esbuild and webpack put
        // the mode there, and production bundles drop the call. Node reads it. A browser running
        // these files unbundled has no `process`: the ReferenceError means no warning.
        try {
          if (process.env.NODE_ENV !== 'production') warnUnlistedOrigin(this, session, url);
        } catch {
          // No process, no bundler: nothing says this is development.
        }
      }
      return allowed && session.status !== 'loggedOut' && session.status !== 'expired';
    },
    wait(signal) {
      const pending = session.getToken();
      const status = session.status;
      // Still idle: answered from the hot path, nothing to wait for (fetch itself honors the
      // signal). Refreshing: this request joined the queue, so its send is a replay.
      return {
        tokens: status === 'idle' && !signal?.aborted ? pending : untilAborted(pending, signal),
        replay: status === 'refreshing',
      };
    },
    regrant: (usedAccessToken, signal) => untilAborted(session.unauthorized(usedAccessToken), signal),
  };
}

/** The token for a request; waits while a refresh runs (`wait`, awaited). */
export async function grantFrom(gate: AuthGate, signal?: AbortSignal): Promise<Grant> {
  const waiting = gate.wait(signal);
  return { tokens: await waiting.tokens, replay: waiting.replay };
}

/** Whether a send with this grant may be held back (a replay, and a limit was set). */
export const holdsBack = (gate: AuthGate, grant: Pick<Grant, 'replay'>): boolean =>
  grant.replay && gate.inReplaySlot !== NO_LIMIT;

/** The URL a request goes to, or null when it cannot be known (then it gets no token). */
export function targetUrl(url: string, base: string | undefined): URL | null {
  try {
    return new URL(url, base);
  } catch {
    return null;
  }
}
