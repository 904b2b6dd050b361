import type { InspectionEvent } from 'xstate';
import { bearerScheme, type TokenScheme } from './scheme.js';
import type { PluginHost, PluginParts, RefreshAttempt, SessionPlugin } from './plugin.js';
import type { AuthSessionActor } from './sessionTypes.js';
import type { TokenStorage } from './storage.js';
import type { TokenSet } from '../../domain/tokens.js';

/** Every plugin's parts, composed into what the session uses. */
export interface WiredPlugins {
  storage?: TokenStorage;
  /** A plugin's scheme, else Bearer. */
  scheme: TokenScheme;
  /** The first plugin's opinion on whether a refresh failure ends the session; undefined when none has one. */
  isTerminal(error: unknown): boolean | undefined;
  /** The plugins' attempt allowances, added. */
  attemptAllowance: number;
  /** The refresh attempt inside every plugin's wrapper, the first plugin's outermost. */
  wrap(attempt: RefreshAttempt): RefreshAttempt;
  /** Connects every plugin to the actor; returns the one function that disconnects them all. */
  connect(actor: AuthSessionActor): () => void;
  /** The actor's `inspect` option; undefined when no plugin inspects, so the actor pays nothing. */
  inspector?: (event: InspectionEvent) => void;
  remember(tokens: TokenSet): void;
  /** Tells every plugin; one that throws is reported by name and skipped, so logout goes on. */
  loggedOut(tokens: TokenSet): void;
}

/**
 * Sets every plugin up and composes their parts. A storage or scheme from two plugins is a
 * TypeError naming both.
 */
export function wirePlugins(plugins: readonly SessionPlugin[] = [], host: PluginHost): WiredPlugins {
  const owners: Partial<Record<'storage' | 'scheme', PluginParts & { name: string }>> = {};
  const all = plugins.map((plugin) => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller may pass anything; checked at run time
    if (typeof plugin?.setup !== 'function')
      throw new TypeError('tokenflight: plugins takes plugins such as crossTab()');
    const parts = { ...plugin.setup(host), name: plugin.name };
    for (const part of ['storage', 'scheme'] as const) {
      if (parts[part] === undefined) continue;
      if (owners[part])
        throw new TypeError(
          `tokenflight: plugins "${owners[part].name}" and "${parts.name}" both give a ${part}; a session takes one`,
        );
      owners[part] = parts;
    }
    return parts;
  });
  const inspects = all.flatMap((parts) => parts.inspect ?? []);
  return {
    storage: owners.storage?.storage,
    scheme: owners.scheme?.scheme ?? bearerScheme,
    isTerminal(error) {
      for (const { isTerminal } of all) {
        const verdict = isTerminal?.(error);
        if (verdict !== undefined) return verdict;
      }
      return undefined;
    },
    // Plugins are code, not user input: their allowances are trusted numbers.
    attemptAllowance: all.reduce((sum, parts) => sum + (parts.attemptAllowance ?? 0), 0),
    wrap: (attempt) =>
      all.reduceRight<RefreshAttempt>(
        (inner, { refresh }) => (refresh ? (input, signal) => refresh(input, signal, inner) : inner),
        attempt,
      ),
    connect(actor) {
      const disconnects = all.map((parts) => parts.connect?.(actor));
      return () => disconnects.forEach((disconnect) => disconnect?.());
    },
    inspector: inspects.length ? (event) => inspects.forEach((part) => part.observe(event)) : undefined,
    remember: (tokens) => inspects.forEach((part) => part.remember(tokens)),
    loggedOut(tokens) {
      for (const parts of all) {
        try {
          parts.loggedOut?.(tokens);
        } catch {
          // Only the name: the error may quote a token.
          console.warn(`tokenflight: plugin "${parts.name}" failed at logout; logged out anyway`);
        }
      }
    },
  };
}
