import { expect } from 'vitest';

/**
 * vitest's asymmetric matchers, handed on as `unknown`: vitest types them `any`, which would switch
 * type checking off wherever one is placed. Use them as `expect.any` & co.
 */
export const match = {
  any: (type: unknown): unknown => expect.any(type),
  objectContaining: (fields: Record<string, unknown>): unknown => expect.objectContaining(fields),
  stringContaining: (text: string): unknown => expect.stringContaining(text),
};
