/** A parsed JSON object, read field by field: each field is `unknown` until the reader narrows it. */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` as a JSON object; anything else (an array, a string, null) is a failure of the test. */
export function asJsonObject(value: unknown): JsonObject {
  if (!isJsonObject(value)) throw new TypeError(`expected a JSON object, got ${JSON.stringify(value)}`);
  return value;
}

/** `JSON.parse`, typed `unknown` (it is typed `any`). */
export const parseJson = (text: string): unknown => JSON.parse(text);
