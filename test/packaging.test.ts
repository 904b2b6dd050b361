/**
 * The package as users install it: lint (publint --strict), types under every resolution
 * (attw --pack), types that compile with skipLibCheck off on an ES2020 lib, and one copy of each
 * error class whichever entry point and module system loads it. Uses `dist/`, building it first
 * when it is missing or older than the sources.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { entryPoints } from '../entryPoints.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  files: string[];
  dependencies: Record<string, string>;
  exports: Record<string, unknown>;
  typesVersions: Record<string, Record<string, string[]>>;
};
const subpaths = Object.keys(pkg.exports)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts'))
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function distIsFresh(): boolean {
  try {
    const built = statSync(join(root, 'dist/index.js')).mtimeMs;
    const sources = Math.max(
      ...['src', 'domain', 'machines'].map(newestSource),
      statSync(join(root, 'tsup.config.ts')).mtimeMs,
      statSync(join(root, 'entryPoints.ts')).mtimeMs,
    );
    return built > sources;
  } catch {
    return false;
  }
}

beforeAll(() => {
  if (!distIsFresh()) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'pipe' });
}, 180_000);

describe('the published package', () => {
  it('ships only dist, README, LICENSE and package.json', () => {
    expect(pkg.files).toEqual(['dist']);
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: root, encoding: 'utf8' }),
    ) as [{ files: { path: string }[] }];
    const outside = packed[0].files.map((file) => file.path).filter((path) => !path.startsWith('dist/'));
    expect(outside.sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
  });

  it('passes publint --strict', async () => {
    const { publint } = await import('publint');
    const { messages } = await publint({ pkgDir: root, strict: true, pack: 'npm' });
    expect(messages.map((message) => `${message.type}: ${message.code} ${message.path.join('.')}`)).toEqual([]);
  }, 60_000);

  it('resolves with types under node10, node16 (CJS and ESM) and bundler: attw --pack', () => {
    let output: string;
    try {
      output = execFileSync(join(root, 'node_modules/.bin/attw'), ['--pack', '.', '--format', 'json'], {
        cwd: root,
        encoding: 'utf8',
      });
    } catch (error) {
      output = String((error as { stdout?: unknown }).stdout);
    }
    const report = JSON.parse(output) as { analysis: { problems: unknown[]; entrypoints: Record<string, unknown> } };
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(Object.keys(pkg.exports).sort());
    expect(report.analysis.problems).toEqual([]);
  }, 120_000);

  it('exports every entry point tsup builds, and nothing else', () => {
    const built = Object.keys(entryPoints).map((name) => (name === 'index' ? '.' : `./${name}`));
    expect(
      Object.keys(pkg.exports)
        .filter((key) => key !== './package.json')
        .sort(),
    ).toEqual(built.sort());
  });

  it('lists every subpath for node10 type resolution (typesVersions)', () => {
    const listed = Object.keys(pkg.typesVersions['*'] ?? {}).map((key) => `${pkg.name}/${key}`);
    expect(listed.sort()).toEqual(subpaths.filter((path) => path !== pkg.name).sort());
  });
});

describe('the framework bindings', () => {
  /** The packages a built file loads (ESM or CJS), following its relative imports (the shared chunks). */
  function packagesLoadedBy(file: string): string[] {
    const packages = new Set<string>();
    const seen = new Set<string>();
    const visit = (path: string) => {
      if (seen.has(path)) return;
      seen.add(path);
      const code = readFileSync(join(root, 'dist', path), 'utf8');
      for (const [, specifier = ''] of code.matchAll(/(?:\bfrom|\bimport|\brequire)\s*\(?\s*["']([^"']+)["']/g)) {
        if (specifier.startsWith('./')) visit(specifier.slice(2));
        else packages.add(specifier);
      }
    };
    visit(file);
    return [...packages].sort();
  }

  it.each(['index.js', 'fetch.js', 'index.cjs', 'fetch.cjs'])(
    'leave dist/%s framework-free: with its chunks it loads no package but the dependencies (xstate)',
    (file) => {
      const dependencies = Object.keys(pkg.dependencies);
      expect(packagesLoadedBy(file).filter((name) => !dependencies.includes(name))).toEqual([]);
    },
  );

  it.each([
    ['angular.js', ['@angular/common/http', '@angular/core', 'rxjs']],
    ['react.js', ['react']],
    ['vue.js', ['vue']],
    ['svelte.js', ['svelte/reactivity']],
  ])('load their framework from their own entry only: dist/%s loads %j', (file, framework) => {
    expect(packagesLoadedBy(file)).toEqual(framework);
  });
});

describe('the types, as a strict consumer compiles them', () => {
  // Inside the package folder, so `tokenflight` resolves to this package through its own exports.
  const dir = join(root, 'node_modules/.cache/tokenflight-consumer');
  const consumer = subpaths
    .map((path, index) => `import * as entry${index} from '${path}';\nvoid entry${index};`)
    .join('\n');

  it.each(['ES2020', 'ES2022'])(
    'compile with skipLibCheck false on lib %s + DOM, under Bundler and Node16',
    (lib) => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'consumer.mts'), `${consumer}\nexport {};\n`);
      for (const moduleResolution of [ts.ModuleResolutionKind.Bundler, ts.ModuleResolutionKind.Node16]) {
        const program = ts.createProgram([join(dir, 'consumer.mts')], {
          target: ts.ScriptTarget.ES2020,
          module: moduleResolution === ts.ModuleResolutionKind.Bundler ? ts.ModuleKind.ESNext : ts.ModuleKind.Node16,
          moduleResolution,
          lib: [`lib.${lib.toLowerCase()}.d.ts`, 'lib.dom.d.ts'],
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          types: [],
        });
        const diagnostics = ts
          .getPreEmitDiagnostics(program)
          .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        expect(diagnostics, `${lib} / ${ts.ModuleResolutionKind[moduleResolution]}`).toEqual([]);
      }
    },
    120_000,
  );
});

describe('one copy of each error class', () => {
  const require = createRequire(join(root, 'package.json'));

  async function refusedByTheKit(load: (path: string) => Promise<Record<string, unknown>>): Promise<unknown> {
    const { createAuthClient } = (await load(`${pkg.name}/testing`)) as typeof import('tokenflight/testing');
    const refusing = async () => new Response('{}', { status: 401 });
    const client = createAuthClient({ url: () => 'http://127.0.0.1:9/refresh' }, refusing);
    return client
      .refresh({ refreshToken: 'r', tokens: null, signal: new AbortController().signal })
      .catch((error: unknown) => error);
  }

  it.each([
    ['import', (path: string) => import(path) as Promise<Record<string, unknown>>],
    ['require', async (path: string) => require(path) as Record<string, unknown>],
  ])('an error the testing kit throws is an instance of the main entry class (%s)', async (_, load) => {
    const main = (await load(pkg.name)) as typeof import('tokenflight');
    const error = await refusedByTheKit(load);
    expect(error).toBeInstanceOf(main.RefreshRejectedError);
  });

  it('holds across the ESM and the CommonJS build (a dual-package app loads both), class by class', async () => {
    const esm = (await import(pkg.name)) as typeof import('tokenflight');
    const cjs = require(pkg.name) as typeof import('tokenflight');
    expect(cjs.SessionExpiredError).not.toBe(esm.SessionExpiredError);
    const fromCjs = new cjs.SessionExpiredError();
    expect(fromCjs).toBeInstanceOf(esm.SessionExpiredError);
    expect(fromCjs).toBeInstanceOf(esm.TokenflightError);
    expect(fromCjs).not.toBeInstanceOf(esm.QueueFullError);
    expect(new esm.QueueFullError(3)).toBeInstanceOf(cjs.TokenflightError);
    expect(Object.assign(new Error('look-alike'), { name: 'SessionExpiredError' })).not.toBeInstanceOf(
      esm.SessionExpiredError,
    );
  });
});
