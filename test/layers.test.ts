/**
 * The layering rule (CONTRIBUTING.md, "Where things live"): domain ← machines ← session ←
 * adapter-core ← entry folders. A file imports only from its own layer and the ones below it,
 * and an entry folder (src/fetch, src/cross-tab, …) never from another entry folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
// src/coordination: what the coordinating plugins (cross-tab in tabs, redis across servers) share.
const LAYERS = ['domain', 'machines', 'src/session', 'src/adapter-core', 'src/coordination'] as const;

/** Entry folders built on another entry, each for a reason. */
const BUILT_ON = new Set([
  // An event stream is a fetch whose body is read as it arrives: the fetch adapter is its transport.
  'src/sse → src/fetch',
  // The testing kit's flow model drives a real session through the fetch adapter, as an app does.
  'src/testing → src/fetch',
]);

/** The layer a repository path belongs to: its rank, and its name (an entry folder's own name). */
function layerOf(path: string): { rank: number; name: string } | null {
  const index = LAYERS.findIndex((layer) => path === layer || path.startsWith(`${layer}/`));
  if (index !== -1) return { rank: index, name: LAYERS[index] ?? '' };
  if (path === 'src/index.ts') return { rank: LAYERS.length + 1, name: 'src/index.ts' };
  const entry = /^src\/([^/]+)\//.exec(path);
  return entry ? { rank: LAYERS.length, name: `src/${entry[1] ?? ''}` } : null;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx)$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/** Every relative import of `file`, as a repository path. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) =>
    relative(root, resolve(root, dirname(file), match[1] ?? '')),
  );
}

/** Imports that break the rule, as "file → imported". */
export function layerViolations(files: string[]): string[] {
  const broken: string[] = [];
  for (const file of files) {
    const from = layerOf(file);
    if (!from) continue;
    for (const target of importsOf(file)) {
      const to = layerOf(target);
      if (!to || to.name === from.name) continue;
      const sideways =
        to.rank === LAYERS.length && from.rank === LAYERS.length && !BUILT_ON.has(`${from.name} → ${to.name}`);
      if (to.rank > from.rank || sideways) broken.push(`${file} → ${target}`);
    }
  }
  return broken;
}

describe('the layers', () => {
  const files = ['domain', 'machines', 'src'].flatMap(sourceFiles);

  it('every import points to its own layer or one below it', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(layerViolations(files)).toEqual([]);
  });

  it('catches an import that goes up a layer or sideways between entries', () => {
    const check = (file: string, target: string) => {
      const from = layerOf(file);
      const to = layerOf(target);
      return from !== null && to !== null && (to.rank > from.rank || (to.rank === from.rank && from.name !== to.name));
    };
    expect(check('machines/authSession.ts', 'src/session/waiters.ts')).toBe(true);
    expect(check('domain/tokens.ts', 'machines/delays.ts')).toBe(true);
    expect(check('src/session/sessionApi.ts', 'src/adapter-core/scheme.ts')).toBe(true);
    expect(check('src/fetch/createAuthFetch.ts', 'src/cross-tab/types.ts')).toBe(true);
    expect(check('src/fetch/createAuthFetch.ts', 'src/adapter-core/authGate.ts')).toBe(false);
  });
});
