import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOriginAllowList, pageBase } from '../src/adapter-core/origins.js';

// Which origins a token may be sent to, and the page's own origin and base URL.
afterEach(() => vi.unstubAllGlobals());

describe('createOriginAllowList', () => {
  it('allows exact origins only', () => {
    const allowed = createOriginAllowList(['https://api.example.com', 'https://other.example.com/']);
    expect(allowed(new URL('https://other.example.com/y'))).toBe(true);
    expect(allowed(new URL('https://api.example.com/x'))).toBe(true);
    expect(allowed(new URL('http://api.example.com/x'))).toBe(false);
    expect(allowed(new URL('https://api.example.com:8443/x'))).toBe(false);
    expect(allowed(new URL('https://evil.example.com/x'))).toBe(false);
  });

  const ORIGIN = 'an origin, scheme://host[:port] with no path, query or fragment (the token goes to every path of it)';

  it.each([
    ['api.example.com', '"api.example.com"'],
    ['data:text/plain,x', '"data:text/plain,x"'],
    // A path was meant as a path: widened to the origin, /admin would get the token too.
    ['https://api.example.com/api', '"https://api.example.com/api"'],
    ['https://api.example.com/?v=1', '"https://api.example.com/?v=1"'],
    ['https://api.example.com/#x', '"https://api.example.com/#x"'],
    [42, '42'],
  ])('refuses %s, saying what an origin is', (origin, got) => {
    expect(() => createOriginAllowList(['https://ok.example.com', origin as string])).toThrow(
      new TypeError(`tokenflight: origins[1] must be ${ORIGIN}, got ${got}`),
    );
  });

  it('refuses origins that are not an array', () => {
    expect(() => createOriginAllowList('https://api.example.com' as never)).toThrow(
      new TypeError('tokenflight: origins must be an array of origins, got "https://api.example.com"'),
    );
  });

  it("defaults to the page's origin in a browser and to nothing elsewhere", () => {
    expect(createOriginAllowList(undefined)(new URL('http://localhost/'))).toBe(false);
    vi.stubGlobal('location', { origin: 'http://localhost:5173', href: 'http://localhost:5173/app' });
    expect(createOriginAllowList(undefined)(new URL('http://localhost:5173/api'))).toBe(true);
    expect(pageBase()).toBe('http://localhost:5173/app');
    vi.stubGlobal('location', { origin: 'null' });
    expect(createOriginAllowList(undefined)(new URL('http://localhost/'))).toBe(false);
    expect(pageBase()).toBeUndefined();
  });
});

describe('pageBase', () => {
  it('is undefined without a location or with a non-string href', () => {
    expect(pageBase()).toBeUndefined();
    vi.stubGlobal('location', { href: 5 });
    expect(pageBase()).toBeUndefined();
  });
});
