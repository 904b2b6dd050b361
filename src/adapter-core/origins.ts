/** The page's location in a browser; undefined elsewhere. */
const pageLocation = () => (globalThis as { location?: { origin?: unknown; href?: unknown } }).location;

/** `origin` as an exact origin (scheme, host and port); a TypeError when it has none. */
function originOf(origin: string): string {
  let parsed: string | undefined;
  try {
    parsed = new URL(origin).origin;
  } catch {
    // Reported below, with what would have been right.
  }
  // 'null': a URL (data:, file:) with no origin that could receive a token.
  if (!parsed || parsed === 'null')
    throw new TypeError(`tokenflight: "${origin}" is not an origin (scheme://host[:port])`);
  return parsed;
}

/**
 * The origins that may receive a token. Exact origins only (scheme, host and port); in a browser
 * the page's own origin is the default, elsewhere nothing gets a token until origins are given.
 */
export function createOriginAllowList(origins: readonly string[] | undefined): (url: URL) => boolean {
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
