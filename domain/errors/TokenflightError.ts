/** The class names along `value`'s prototype chain. */
function classNamesOf(value: object): string[] {
  const names: string[] = [];
  for (let prototype: unknown = Object.getPrototypeOf(value); prototype; prototype = Object.getPrototypeOf(prototype)) {
    const constructor: unknown = Reflect.get(prototype, 'constructor');
    if (typeof constructor === 'function') names.push(constructor.name);
  }
  return names;
}

/**
 * The base of every error tokenflight throws, so an app can ask "is this one of tokenflight's?"
 * (`error instanceof TokenflightError`). Each subclass has a stable `name`; `cause` holds what
 * led to it.
 */
export class TokenflightError extends Error {
  override readonly name: string = 'TokenflightError';

  /**
   * `instanceof` by class, or by class name for an error from another copy of tokenflight: an app
   * that loads both the ESM and the CommonJS build (a dual package) has two copies of every class.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== 'object' || value === null) return false;
    const names = classNamesOf(value);
    return names.includes('TokenflightError') && names.includes(this.name);
  }
}
