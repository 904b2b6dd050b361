import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOriginAllowList, pageBase } from '../src/adapter-core/origins.js';

// Which origins a token may be sent to, and the page's own origin and base URL.
afterEach(() => vi.unstubAllGlobals());

describe('createOriginAllowList', () => {
  it('allows exact origins only', () => {
    const allowed = createOriginAllowList(['https://api.example.com/some/path']);
    expect(allowed(new URL('https://api.example.com/x'))).toBe(true);
    expect(allowed(new URL('http://api.example.com/x'))).toBe(false);
    expect(allowed(new URL('https://api.example.com:8443/x'))).toBe(false);
    expect(allowed(new URL('https://evil.example.com/x'))).toBe(false);
  });

  it('refuses what is not an origin', () => {
    expect(() => createOriginAllowList(['api.example.com'])).toThrow(
      new TypeError('tokenflight: "api.example.com" is not an origin (scheme://host[:port])'),
    );
    expect(() => createOriginAllowList(['data:text/plain,x'])).toThrow(
      new TypeError('tokenflight: "data:text/plain,x" is not an origin (scheme://host[:port])'),
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
