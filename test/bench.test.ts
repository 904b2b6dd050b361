/**
 * The benchmark is not a test: this only checks that `npm run bench -- --quick` runs to the end
 * and prints its tables. No timing is asserted.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function runQuickBench(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/run.ts', '--quick'], {
      cwd: new URL('..', import.meta.url),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run bench -- --quick', () => {
  it('runs every scenario and prints the tables', async () => {
    const { code, stdout, stderr } = await runQuickBench();
    expect(code, stderr).toBe(0);
    for (const heading of [
      '## Targets',
      '## Comparison',
      '### Burst',
      '### Stale 401',
      '### Happy path',
      '### Long session',
      '### Memory',
      '### Size',
      '### Recovery',
      '### Cluster',
    ]) {
      expect(stdout).toContain(heading);
    }
    for (const contender of [
      'tokenflight',
      'axios-auth-refresh',
      'deduplicateRefresh: false',
      'seed 000 question',
      'seed 000 answer',
    ]) {
      expect(stdout).toContain(contender);
    }
    expect(stdout).toMatch(/Machine: .+Node v\d+/);
  }, 120_000);
});
