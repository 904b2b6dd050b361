// The second mutation pass: machines/, with every mutant of module-level code (the statechart literal,
// its action and guard tables) run as a static mutant: its module reloaded and every test of
// vitest.mutation.machine.config.ts run. The main pass (stryker.config.mjs) skips that reload for
// speed, which leaves such a mutant inactive in the module already loaded: its "survivors" there
// are not evidence. `npm run test:mutation:machine` prints this pass's score.
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  mutate: ['machines/**/*.ts'],
  vitest: { configFile: 'vitest.mutation.machine.config.ts' },
  ignoreStatic: false,
  htmlReporter: { fileName: 'reports/mutation-machine/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation-machine/mutation.json' },
  tempDirName: '.stryker-tmp-machine',
};
