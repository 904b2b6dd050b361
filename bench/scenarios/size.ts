/**
 * Size: what an app that calls `createAuthSession` + `createAuthFetch` bundles of tokenflight
 * (xstate external), what each plugin adds on top (the same app with the plugin, minus without),
 * and axios-auth-refresh (axios external); minified by esbuild, gzipped by zlib -9. xstate is
 * counted apart as the difference with it bundled in (tree-shaken to what we use).
 */
import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface SizeRow {
  subject: string;
  minBytes: number;
  gzipBytes: number;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/** An app using the core and the fetch adapter, with `plugins` (source text) and their imports. */
export function consumer(imports = '', plugins = ''): string {
  return [
    `import { createAuthSession } from './src/index.ts';`,
    `import { createAuthFetch } from './src/fetch/index.ts';`,
    imports,
    `const session = createAuthSession({ refresh: async () => ({ accessToken: 'a' }), plugins: [${plugins}] });`,
    `export const authFetch = createAuthFetch(session);`,
  ].join('\n');
}

export const CORE_CONSUMER = consumer();

/** Replaces the tab-life watcher with a no-op, to weigh what it costs the core. */
const withoutTabLife: Plugin = {
  name: 'without-tab-life',
  setup(bundler) {
    bundler.onLoad({ filter: /src[\\/]tabLife\.ts$/ }, () => ({ contents: 'export const watchTabLife = () => () => {};', loader: 'ts' }));
  },
};

export async function bundle(contents: string, external: string[], plugins: Plugin[] = []): Promise<{ code: string; minBytes: number; gzipBytes: number }> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    external,
    plugins,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { code: new TextDecoder().decode(code), minBytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
}

async function measure(subject: string, contents: string, external: string[], plugins: Plugin[] = []): Promise<SizeRow> {
  const { minBytes, gzipBytes } = await bundle(contents, external, plugins);
  return { subject, minBytes, gzipBytes };
}

const difference = (subject: string, whole: SizeRow, part: SizeRow): SizeRow => ({
  subject,
  minBytes: whole.minBytes - part.minBytes,
  gzipBytes: whole.gzipBytes - part.gzipBytes,
});

export async function runSize(): Promise<SizeRow[]> {
  const ours = await measure('tokenflight (createAuthSession + createAuthFetch), xstate external', CORE_CONSUMER, ['xstate']);
  const crossTab = await measure('', consumer(`import { crossTab } from './src/crossTab/index.ts';`, 'crossTab()'), ['xstate']);
  const inspect = await measure('', consumer(`import { inspect } from './src/inspect/index.ts';`, 'inspect(console.log)'), ['xstate']);
  const noTabLife = await measure('', CORE_CONSUMER, ['xstate'], [withoutTabLife]);
  const oauthImport = `import { oauth } from './src/oauth/index.ts';`;
  const oauthPlugin = `oauth({ issuer: 'https://op.example', clientId: 'spa', dpop: true })`;
  const withOAuth = await measure('', consumer(oauthImport, oauthPlugin), ['xstate', 'oauth4webapi']);
  const withOAuthLibrary = await measure('', consumer(oauthImport, oauthPlugin), ['xstate']);
  const withXstate = await measure('', CORE_CONSUMER, []);
  const theirs = await measure('axios-auth-refresh, axios external', `export * from 'axios-auth-refresh';`, ['axios']);
  return [
    ours,
    difference("+ crossTab() plugin ('tokenflight/cross-tab')", crossTab, ours),
    difference("+ inspect() plugin ('tokenflight/inspect')", inspect, ours),
    difference("+ oauth() plugin with DPoP ('tokenflight/oauth'), oauth4webapi external", withOAuth, ours),
    difference("+ oauth() plugin with DPoP ('tokenflight/oauth'), oauth4webapi included", withOAuthLibrary, ours),
    difference('of the core: tab life (visibility, online, wake-from-sleep)', ours, noTabLife),
    difference('xstate (the part tokenflight uses)', withXstate, ours),
    theirs,
  ];
}
