import type { CauseOptions } from './causeOptions.js';

/**
 * Marks an error as tokenflight's across copies of the library: an app that loads both the ESM
 * and the CommonJS build (a dual-package setup) has two copies of every class, and an error
 * thrown by one copy still passes `instanceof` against the other's. Registered globally
 * (Symbol.for), so every copy agrees on it.
 */
const FAMILY = Symbol.for('tokenflight.error.classes');

/** The class names from `target` up to TokenflightError: what an error is an instance of. */
function classNames(target: object): string[] {
  const names: string[] = [];
  for (let type: unknown = target; typeof type === 'function'; type = Object.getPrototypeOf(type)) {
    names.push(type.name);
    if (type === TokenflightError) break;
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
  declare readonly [FAMILY]: readonly string[];

  constructor(message: string, options?: CauseOptions) {
    super(message, options);
    Object.defineProperty(this, FAMILY, { value: classNames(new.target) });
  }

  /** `instanceof` by class, or by class name for an error from another copy of tokenflight. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== 'object' || value === null) return false;
    const family: unknown = Reflect.get(value, FAMILY);
    return Array.isArray(family) && family.includes(this.name);
  }
}
