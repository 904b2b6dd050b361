import type { HeaderSetter } from '../session/scheme.js';

/**
 * A request's headers as a plain record, which fetch reads faster than a `Headers` it has to copy,
 * with `Headers`' case-insensitive `set` (a record with both `authorization` and `Authorization`
 * would send both).
 */
class HeaderRecord implements HeaderSetter {
  // Declared, not a class field: the constructor alone sets it (no field definition emitted).
  declare readonly value: Record<string, string>;

  constructor(from: Record<string, string> | undefined) {
    this.value = { ...from };
  }

  set(name: string, value: string): void {
    const lower = name.toLowerCase();
    // Deleting the key being visited is safe in for…in; the record has no inherited enumerable keys.
    // A header record is a dictionary by design: its keys are the request's header names.
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- see above
    for (const key in this.value) if (key.toLowerCase() === lower) delete this.value[key];
    this.value[name] = value;
  }
}

/**
 * A copy of `init` headers the token can go on: a record when they are one (or none), else
 * `Headers` (a Headers, an array of pairs, a polyfill: anything not made by `{…}`).
 */
export const copyHeaders = (init: HeadersInit | undefined): HeaderRecord | Headers =>
  init === undefined || Object.getPrototypeOf(init) === Object.prototype
    ? new HeaderRecord(init as Record<string, string>)
    : new Headers(init);
