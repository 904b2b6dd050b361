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

/**
 * An app using the core and the fetch adapter, with `plugins` (source text) and their imports;
 * `uses`: an expression (of `session`) the app exports too, such as a binding's hooks.
 */
export function consumer(imports = '', plugins = '', uses = ''): string {
  return [
    `import { createAuthSession } from './src/index.ts';`,
    `import { createAuthFetch } from './src/fetch/index.ts';`,
    imports,
    `const session = createAuthSession({ refresh: async () => ({ accessToken: 'a' }), plugins: [${plugins}] });`,
    `export const authFetch = createAuthFetch(session);`,
    uses && `export const uses = ${uses};`,
  ].join('\n');
}

/** The framework bindings, each weighed as what it adds to the core app, its framework external. */
export const BINDINGS: ReadonlyArray<{ subject: string; imports: string; uses: string; external: string[] }> = [
  {
    subject: "+ 'tokenflight/angular' (interceptor, provider, signals), @angular/* and rxjs external",
    imports: `import { provideTokenflight, tokenflightInterceptor, injectSessionStatus } from './src/angular/index.ts';`,
    uses: '[provideTokenflight(session), tokenflightInterceptor, injectSessionStatus]',
    external: ['@angular/*', 'rxjs'],
  },
  {
    subject: "+ 'tokenflight/react' (useSession, useSessionStatus), react external",
    imports: `import { useSession, useSessionStatus } from './src/react/index.ts';`,
    uses: '[useSession, useSessionStatus]',
    external: ['react'],
  },
  {
    subject: "+ 'tokenflight/vue' (useSession, plugin), vue external",
    imports: `import { useSession, tokenflight, injectSession } from './src/vue/index.ts';`,
    uses: '[useSession, tokenflight(session), injectSession]',
    external: ['vue'],
  },
  {
    subject: "+ 'tokenflight/svelte' (sessionState), svelte external",
    imports: `import { sessionState } from './src/svelte/index.ts';`,
    uses: 'sessionState(session)',
    external: ['svelte', 'svelte/*'],
  },
];

export const CORE_CONSUMER = consumer();

/** A module replaced by a stand-in that keeps its exports and drops its behaviour. */
const stubbed = (file: RegExp, contents: string): Plugin => ({
  name: `without-${file.source}`,
  setup(bundler) {
    bundler.onLoad({ filter: file }, () => ({ contents, loader: 'ts' }));
  },
});

/**
 * The core's default behaviours, each weighed as the core bundle minus the core bundle with its
 * module stubbed out: what taking it out of the default bundle would save.
 */
export const CORE_BEHAVIOURS: ReadonlyArray<{ subject: string; without: Plugin }> = [
  {
    subject: 'tab life (visibility, online, wake-from-sleep)',
    without: stubbed(/session[\\/]tabLife\.ts$/, 'export const watchTabLife = () => () => {};'),
  },
  {
    subject: 'challenge classification (RFC 6750)',
    without: stubbed(
      /session[\\/]challenges\.ts$/,
      "export const classifyChallenge = () => 'refresh'; export const challengeErrors = () => [];",
    ),
  },
  {
    subject: 'replay limit (maxConcurrentReplays)',
    without: stubbed(
      /replayLimit\.ts$/,
      'export const NO_LIMIT = (task) => task(); export const createReplayLimit = () => NO_LIMIT;',
    ),
  },
  {
    subject: 'origins allow-list',
    without: stubbed(
      /adapter-core[\\/]origins\.ts$/,
      'export const createOriginAllowList = () => () => true; export const defaultOrigins = () => []; export const pageBase = () => undefined;',
    ),
  },
  {
    subject: 'refusal storm guard',
    without: stubbed(/refusalGuard\.ts$/, 'export const refusalGuardFor = () => () => false;'),
  },
  {
    subject: 'header record (the hot path’s header copy)',
    without: stubbed(/headerRecord\.ts$/, 'export const copyHeaders = (init) => new Headers(init);'),
  },
  {
    subject: 'patient deadline timers',
    without: stubbed(
      /patientTimer\.ts$/,
      'export const patientClock = () => undefined; export const patientTimeout = (fire, ms) => ({ id: setTimeout(fire, ms) });',
    ),
  },
];

export async function bundle(
  contents: string,
  external: string[],
  plugins: Plugin[] = [],
): Promise<{ code: string; minBytes: number; gzipBytes: number }> {
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
  return {
    code: new TextDecoder().decode(code),
    minBytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
  };
}

async function measure(
  subject: string,
  contents: string,
  external: string[],
  plugins: Plugin[] = [],
): Promise<SizeRow> {
  const { minBytes, gzipBytes } = await bundle(contents, external, plugins);
  return { subject, minBytes, gzipBytes };
}

const difference = (subject: string, whole: SizeRow, part: SizeRow): SizeRow => ({
  subject,
  minBytes: whole.minBytes - part.minBytes,
  gzipBytes: whole.gzipBytes - part.gzipBytes,
});

export async function runSize(): Promise<SizeRow[]> {
  const ours = await measure('tokenflight (createAuthSession + createAuthFetch), xstate external', CORE_CONSUMER, [
    'xstate',
  ]);
  const crossTab = await measure('', consumer(`import { crossTab } from './src/cross-tab/index.ts';`, 'crossTab()'), [
    'xstate',
  ]);
  const inspect = await measure(
    '',
    consumer(`import { inspect } from './src/inspect/index.ts';`, 'inspect(console.log)'),
    ['xstate'],
  );
  const withoutEach = await Promise.all(
    CORE_BEHAVIOURS.map(({ without }) => measure('', CORE_CONSUMER, ['xstate'], [without])),
  );
  const oauthImport = `import { oauth } from './src/oauth/index.ts';`;
  const oauthPlugin = `oauth({ issuer: 'https://op.example', clientId: 'spa', dpop: true })`;
  const withOAuth = await measure('', consumer(oauthImport, oauthPlugin), ['xstate', 'oauth4webapi']);
  const withOAuthLibrary = await measure('', consumer(oauthImport, oauthPlugin), ['xstate']);
  const withBindings = await Promise.all(
    BINDINGS.map(({ imports, uses, external }) => measure('', consumer(imports, '', uses), ['xstate', ...external])),
  );
  const withXstate = await measure('', CORE_CONSUMER, []);
  const theirs = await measure('axios-auth-refresh, axios external', `export * from 'axios-auth-refresh';`, ['axios']);
  return [
    ours,
    difference("+ crossTab() plugin ('tokenflight/cross-tab')", crossTab, ours),
    difference("+ inspect() plugin ('tokenflight/inspect')", inspect, ours),
    difference("+ oauth() plugin with DPoP ('tokenflight/oauth'), oauth4webapi external", withOAuth, ours),
    difference("+ oauth() plugin with DPoP ('tokenflight/oauth'), oauth4webapi included", withOAuthLibrary, ours),
    ...BINDINGS.map(({ subject }, i) => difference(subject, withBindings[i]!, ours)),
    ...CORE_BEHAVIOURS.map(({ subject }, i) => difference(`of the core: ${subject}`, ours, withoutEach[i]!)),
    difference('xstate (the part tokenflight uses)', withXstate, ours),
    theirs,
  ];
}
