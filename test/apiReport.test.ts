/**
 * The public API of every entry point is recorded in api/<entry>.api.txt; a change to what an
 * entry exports, or to an exported type, fails here until the report is updated
 * (`npm run api:update`) and so shows in review.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiReports, reportPath } from '../scripts/apiReport.js';

const reports = apiReports();

describe('the recorded public API', () => {
  it.each([...reports.keys()])('api/%s.api.txt matches the sources', (name) => {
    expect(reports.get(name)).toBe(readFileSync(reportPath(name), 'utf8'));
  });

  it('keeps the machine and its internals out of the root entry', () => {
    const root = reports.get('index') ?? '';
    for (const internal of ['authSessionMachine', 'SessionConfig', 'Waiter', 'AuthSessionActor']) {
      expect(root).not.toMatch(new RegExp(` ${internal}:`));
      expect(reports.get('machine')).toMatch(new RegExp(` ${internal}:`));
    }
  });

  it('exports each name from one entry only', () => {
    const homes = new Map<string, string[]>();
    for (const [entry, report] of reports) {
      for (const line of report.split('\n').slice(2)) {
        const name = /^\w+ (\w+):/.exec(line)?.[1];
        if (name) homes.set(name, [...(homes.get(name) ?? []), entry]);
      }
    }
    // A framework's binding names its functions as that framework's users expect (useSession in
    // React and in Vue): the same name in two bindings is two functions, not one name exported twice.
    const bindings = new Set(['react', 'vue', 'svelte', 'angular']);
    const shared = [...homes]
      .map(([name, entries]): [string, string[]] => [
        name,
        entries.some((entry) => !bindings.has(entry)) ? entries : entries.slice(0, 1),
      ])
      .filter(([, entries]) => entries.length > 1)
      .map(([name, e]) => `${name}: ${e.join(', ')}`);
    expect(shared).toEqual([]);
  });
});
