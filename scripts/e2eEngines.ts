/**
 * Runs the browser tests once per engine, one engine at a time (the machine is small), and prints each engine's
 * results apart: how many tests ran and passed, which failed, and which were skipped as Chromium-only and why.
 *
 *   npx tsx scripts/e2eEngines.ts                 # chromium, firefox, webkit
 *   npx tsx scripts/e2eEngines.ts firefox webkit  # some of them
 *   npx tsx scripts/e2eEngines.ts webkit -- test/e2e/cases.e2e.ts   # vitest's filters after `--`
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, type EngineName } from '../test/e2e/engines/types.js';

interface AssertionResult {
  fullName: string;
  status: string;
}
interface JsonReport {
  testResults: { name: string; assertionResults: AssertionResult[]; message?: string; status: string }[];
}

function isReport(value: unknown): value is JsonReport {
  if (typeof value !== 'object' || value === null) return false;
  const files: unknown = Reflect.get(value, 'testResults');
  return (
    Array.isArray(files) &&
    files.every((file: unknown) => {
      if (typeof file !== 'object' || file === null) return false;
      const tests: unknown = Reflect.get(file, 'assertionResults');
      return typeof Reflect.get(file, 'name') === 'string' && Array.isArray(tests);
    })
  );
}

interface EngineResult {
  engine: EngineName;
  seconds: number;
  passed: number;
  failed: string[];
  /** Failed files (an error outside any test, e.g. in a hook). */
  failedFiles: string[];
  skipped: string[];
  exitCode: number;
}

function parseArguments(argv: string[]): { engines: EngineName[]; filters: string[] } {
  const split = argv.indexOf('--');
  const named = split === -1 ? argv : argv.slice(0, split);
  const filters = split === -1 ? [] : argv.slice(split + 1);
  const engines = named.map((name) => {
    const engine = ENGINES.find((known) => known === name);
    if (!engine) throw new Error(`e2eEngines: engine must be one of ${ENGINES.join(', ')}, got ${name}`);
    return engine;
  });
  return { engines: engines.length > 0 ? engines : [...ENGINES], filters };
}

async function runEngine(engine: EngineName, filters: string[]): Promise<EngineResult> {
  const dir = await mkdtemp(join(tmpdir(), `e2e-${engine}-`));
  const report = join(dir, 'report.json');
  const startedAt = Date.now();
  console.log(`\n=== ${engine}: browser tests ===`);
  const child = spawn(
    'npx',
    [
      'vitest',
      'run',
      '--config',
      'vitest.e2e.config.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...filters,
    ],
    { stdio: 'inherit', env: { ...process.env, E2E_ENGINE: engine } },
  );
  const exitCode = await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  const seconds = Math.round((Date.now() - startedAt) / 1000);
  const result: EngineResult = { engine, seconds, passed: 0, failed: [], failedFiles: [], skipped: [], exitCode };
  try {
    const parsed: unknown = JSON.parse(await readFile(report, 'utf8'));
    if (!isReport(parsed)) throw new Error('not a vitest JSON report');
    for (const file of parsed.testResults) {
      if (file.status === 'failed' && file.assertionResults.every((test) => test.status !== 'failed')) {
        result.failedFiles.push(file.name);
      }
      for (const test of file.assertionResults) {
        if (test.status === 'passed') result.passed++;
        else if (test.status === 'failed') result.failed.push(test.fullName);
        else result.skipped.push(test.fullName);
      }
    }
  } catch (error) {
    result.failedFiles.push(`no report from vitest: ${String(error)}`);
  }
  await rm(dir, { recursive: true, force: true });
  return result;
}

function summary(result: EngineResult): string {
  const ran = result.passed + result.failed.length;
  const lines = [
    `${result.engine}: ${ran} ran, ${result.passed} passed, ${result.failed.length} failed, ` +
      `${result.skipped.length} skipped, ${result.seconds} s${result.exitCode === 0 ? '' : ` (exit ${result.exitCode})`}`,
  ];
  for (const name of result.failed) lines.push(`  failed: ${name}`);
  for (const name of result.failedFiles) lines.push(`  failed file: ${name}`);
  for (const name of result.skipped) lines.push(`  skipped: ${name}`);
  return lines.join('\n');
}

const { engines, filters } = parseArguments(process.argv.slice(2));
const results: EngineResult[] = [];
for (const engine of engines) results.push(await runEngine(engine, filters));
console.log('\n=== browser tests per engine ===');
for (const result of results) console.log(summary(result));
const failing = results.filter((result) => result.exitCode !== 0 || result.failed.length > 0);
if (failing.length > 0) {
  console.log(`failing engines: ${failing.map((result) => result.engine).join(', ')}`);
  process.exitCode = 1;
}
