/**
 * Size: what a bundler adds for tokenflight's own code (core + fetch adapter, xstate external)
 * and for axios-auth-refresh (axios external), minified by esbuild and gzipped by zlib; xstate
 * is counted apart as the difference with it bundled in (tree-shaken to what we use).
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface SizeRow {
  subject: string;
  minBytes: number;
  gzipBytes: number;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

async function measure(subject: string, contents: string, external: string[]): Promise<SizeRow> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    external,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { subject, minBytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
}

const OURS = `export * from './src/index.ts'; export * from './src/fetch/index.ts';`;

export async function runSize(): Promise<SizeRow[]> {
  const ours = await measure('tokenflight (core + fetch adapter), xstate external', OURS, ['xstate']);
  const withXstate = await measure('tokenflight with xstate bundled', OURS, []);
  const theirs = await measure('axios-auth-refresh, axios external', `export * from 'axios-auth-refresh';`, ['axios']);
  return [
    ours,
    { subject: 'xstate (the part tokenflight uses)', minBytes: withXstate.minBytes - ours.minBytes, gzipBytes: withXstate.gzipBytes - ours.gzipBytes },
    theirs,
  ];
}
