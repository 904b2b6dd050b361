import { optionError } from '../session/optionChecks.js';
/** The page's location in a browser; undefined elsewhere. */
const pageLocation = () => (globalThis as { location?: { origin?: unknown; href?: unknown } }).location;

const ORIGIN = 'an origin, scheme://host[:port] with no path, query or fragment (the token goes to every path of it)';

/** `origin` as an exact origin (scheme, host and port); a TypeError when it is anything more or less. */
function originOf(origin: unknown, index: number): string {
  const name = `origins[${index}]`;
  if (typeof origin !== 'string') throw optionError(name, ORIGIN, origin);
  let parsed: URL | undefined;
  try {
    parsed = new URL(origin);
  } catch {
    // Reported below, with what would have been right.
  }
  // 'null': a URL (data:, file:) with no origin that could receive a token. A path was meant as a
  // path: widening it to the whole origin would send the token where the user did not allow it.
  if (!parsed || parsed.origin === 'null' || parsed.pathname !== '/' || parsed.search || parsed.hash)
    throw optionError(name, ORIGIN, origin);
  return parsed.origin;
}

/**
 * The origins that may receive a token. Exact origins only (scheme, host and port); in a browser
 * the page's own origin is the default, elsewhere nothing gets a token until origins are given.
 */
export function createOriginAllowList(origins: readonly string[] | undefined): (url: URL) => boolean {
  if (origins !== undefined && !Array.isArray(origins)) throw optionError('origins', 'an array of origins', origins);
  // A few origins: an array is as quick as a Set.
  const allowed = (origins ?? defaultOrigins()).map(originOf);
  return (url) => allowed.includes(url.origin);
}

/** The page's own origin in a browser; nothing elsewhere. */
export function defaultOrigins(): string[] {
  const origin = pageLocation()?.origin;
  return typeof origin === 'string' && origin !== 'null' ? [origin] : [];
}

/** The page's URL, for resolving relative request URLs in a browser; undefined elsewhere. */
export function pageBase(): string | undefined {
  const href = pageLocation()?.href;
  return typeof href === 'string' ? href : undefined;
}
