// Loads the built package through its own exports map, as ESM and as CJS, to prove both entry points resolve.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// @angular/common ships partially compiled: an Angular app's build links it; plain Node needs the
// JIT compiler loaded first, for ESM and CJS alike.
await import('@angular/compiler');
const { name, exports } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// Every code entry of the exports map, so a new subpath cannot ship broken.
const subpaths = Object.keys(exports)
  .filter((key) => !key.endsWith('.json'))
  .map((key) => (key === '.' ? name : `${name}/${key.slice(2)}`));
for (const subpath of subpaths) {
  const esm = await import(subpath);
  const cjs = require(subpath);
  const esmNames = Object.keys(esm).sort().join(',');
  const cjsNames = Object.keys(cjs)
    .filter((name) => name !== 'default' && name !== '__esModule')
    .sort()
    .join(',');
  if (esmNames.length === 0 || esmNames !== cjsNames) {
    throw new Error(`${subpath}: ESM exports [${esmNames}] differ from CJS exports [${cjsNames}]`);
  }
  console.log(`${subpath}: ${Object.keys(esm).length} exports (ESM and CJS)`);
}
const { createAuthSession } = await import('tokenflight');
const session = createAuthSession({ refresh: async () => ({ accessToken: 'x' }), tokens: { accessToken: 'y' } });
if (session.status !== 'idle') throw new Error(`built package: expected idle, got ${session.status}`);
session.stop();

// The plugins from their own entry points plug into the main entry's session.
const { inspect } = await import('tokenflight/inspect');
const { crossTab } = await import('tokenflight/cross-tab');
const inspected = [];
const withPlugins = createAuthSession({
  refresh: async () => ({ accessToken: 'x' }),
  tokens: { accessToken: 'secret-token' },
  // Node has no navigator.locks: cross-tab warns once and the session runs alone.
  plugins: [crossTab({ name: 'check-package' }), inspect((event) => inspected.push(event))],
});
if (withPlugins.status !== 'idle' || inspected.length === 0) throw new Error('built package: plugins did not plug in');
if (JSON.stringify(inspected.map((event) => ({ ...event, actorRef: undefined }))).includes('secret-token')) {
  throw new Error('built package: the inspector saw a token');
}
withPlugins.stop();
