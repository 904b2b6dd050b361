/**
 * How an option is shown in a `tokenflight: <option> must be …, got …` message: strings quoted,
 * functions by name, objects by kind. Never the value of an object: it may hold a token.
 */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return value.name ? `the function ${value.name}` : 'a function';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/** The error for an option that is not what it must be; a RangeError for numbers out of range. */
export function optionError(name: string, expected: string, value: unknown, Kind = TypeError): Error {
  return new Kind(`tokenflight: ${name} must be ${expected}, got ${shown(value)}`);
}

/** An optional function option, checked at creation rather than when it is first called. */
export function optionalFunction(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') throw optionError(name, 'a function', value);
}

/** The options every adapter names alike that must be functions when given. */
const FUNCTION_OPTIONS = ['fetch', 'shouldAuthorize', 'isUnauthorized', 'onError', 'connectionParams'] as const;

/**
 * The arguments every adapter factory (`factory`, by its public name) takes, checked when it is
 * called: its session first (arguments swapped are named as such), then its options object.
 */
export function checkAdapterArguments(factory: string, session: unknown, options: unknown): void {
  checkSession(factory, session);
  checkOptionsObject(factory, options);
  for (const name of FUNCTION_OPTIONS) optionalFunction(name, Reflect.get(options, name));
}

/** The options argument of a factory: an object when given (its default covers undefined). */
export function checkOptionsObject(factory: string, value: unknown): asserts value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw optionError(`${factory}'s options`, 'an object', value);
}

/** What every session has; a swapped argument (`createAuthFetch(fetch, session)`) has none of it. */
const SESSION_METHODS = ['getToken', 'unauthorized', 'subscribe'] as const;

/** An adapter's `session` argument: a session from createAuthSession, else a TypeError that says so. */
export function checkSession(factory: string, value: unknown): void {
  const isSession =
    typeof value === 'object' &&
    value !== null &&
    SESSION_METHODS.every((method) => typeof Reflect.get(value, method) === 'function');
  if (!isSession) {
    throw optionError(
      `${factory}'s first argument (session)`,
      `a session from createAuthSession(); call ${factory}(session, options)`,
      value,
    );
  }
}
