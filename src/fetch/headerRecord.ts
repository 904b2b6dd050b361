import type { HeaderSetter } from '../adapters/scheme.js';

/**
 * A request's headers as a plain record, which fetch reads faster than a `Headers` it has to copy,
 * with `Headers`' case-insensitive `set` (a record with both `authorization` and `Authorization`
 * would send both).
 */
class HeaderRecord implements HeaderSetter {
  readonly value: Record<string, string>;

  constructor(from: Record<string, string> | undefined) {
    this.value = from ? { ...from } : {};
  }

  set(name: string, value: string): void {
    const lower = name.toLowerCase();
    for (const key of Object.keys(this.value)) if (key.toLowerCase() === lower) delete this.value[key];
    this.value[name] = value;
  }
}

const isRecord = (headers: HeadersInit): headers is Record<string, string> =>
  !(headers instanceof Headers) && !Array.isArray(headers) && Object.getPrototypeOf(headers) === Object.prototype;

/** A copy of `init` headers the token can go on; a record when they are one (or none), else `Headers`. */
export function copyHeaders(init: HeadersInit | undefined): HeaderSetter & { readonly value: HeadersInit } {
  if (init === undefined || isRecord(init)) return new HeaderRecord(init);
  const headers = new Headers(init);
  return { value: headers, set: (name, value) => headers.set(name, value) };
}
