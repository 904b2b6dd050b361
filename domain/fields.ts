/**
 * The own fields of a value read from outside (a server's JSON, storage, another tab's message):
 * an object's, else none. Each field is then checked for what it must be.
 */
export function fieldsOf(value: unknown): Partial<Record<string, unknown>> {
  return typeof value === 'object' && value !== null ? { ...value } : {};
}
