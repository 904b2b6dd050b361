/**
 * The origins that may receive a token. Exact origins only (scheme, host and port); in a browser
 * the page's own origin is the default, elsewhere nothing gets a token until origins are given.
 */
export function createOriginAllowList(origins: readonly string[] | undefined): (url: URL) => boolean {
  const listed = origins ?? defaultOrigins();
  const allowed = new Set(
    listed.map((origin) => {
      let parsed: URL;
      try {
        parsed = new URL(origin);
      } catch {
        throw new TypeError(`tokenflight: "${origin}" is not an origin (expected e.g. https://api.example.com)`);
      }
      if (parsed.origin === 'null') throw new TypeError(`tokenflight: "${origin}" has no origin that can receive a token`);
      return parsed.origin;
    }),
  );
  return (url) => allowed.has(url.origin);
}

/** The page's own origin in a browser; nothing elsewhere. */
export function defaultOrigins(): string[] {
  const origin = (globalThis as { location?: { origin?: unknown } }).location?.origin;
  return typeof origin === 'string' && origin !== 'null' ? [origin] : [];
}

/** The page's URL, for resolving relative request URLs in a browser; undefined elsewhere. */
export function pageBase(): string | undefined {
  const href = (globalThis as { location?: { href?: unknown } }).location?.href;
  return typeof href === 'string' ? href : undefined;
}
