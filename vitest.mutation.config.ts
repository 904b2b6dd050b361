import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';
import { packageAliases, svelteInBrowser } from './vitest.shared.js';

/**
 * The slowest files (measured: 6.5, 2.5, 2.4, 2.4, 1.1 and 0.9 s of a 22 s run) go last. Stryker stops a
 * mutant's run at its first failing test, and a static mutant (module-level code, a quarter of the
 * mutants) runs every file: a quick test that kills it first spares it the slow ones. Vitest's own
 * order is the opposite, slowest first, which is right for parallel runs and wrong here.
 */
const SLOWEST_LAST = [
  'test/fetch.test.ts',
  'test/integration.test.ts',
  'test/adapters.test.ts',
  'test/crossTab.test.ts',
  'test/authSession.model.test.ts',
  'test/crossTabRound.test.ts',
];
const slowness = (file: TestSpecification) => SLOWEST_LAST.findIndex((slow) => file.moduleId.endsWith(slow));

class SlowestLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...(await super.sort(files))].sort((a, b) => slowness(a) - slowness(b));
  }
}

/**
 * The tests Stryker runs for the mutants they cover: the unit, model-based and property-based
 * tests, the session's behaviour tests (options, lifecycle, token requests, queue, refresh rounds,
 * timers, observing, storage, tokens, errors, origins, module loading), and the tests of each
 * adapter and its 401 challenges, cross-tab, tab life, redaction and framework contract.
 * Left out: tokenflight/redis's tests (real redis-server and Node processes), the kit's own tests (src/testing is not mutated), real-network servers, browser/e2e,
 * generated-file checks and benchmarks — slow, and every static mutant of the machine runs the whole set.
 * The property test runs 100 sequences and the model test one path per edge shape here;
 * `npm test` runs 1000 sequences and every edge.
 */
export default defineConfig({
  resolve: { alias: [...packageAliases, ...svelteInBrowser] },
  test: {
    include: [
      'test/unit/**/*.test.ts',
      'test/authSession.model.test.ts',
      'test/authSession.property.test.ts',
      'test/{options,sessionLifecycle,tokenRequests,queue,refreshRounds,timers,observing,storage,tokens,errors,origins,modulesLoad,fetch,authFetchReplay}.test.ts',
      'test/{adapters,adaptersReadme,axios,ky,replayLimit,challenges}.test.ts',
      'test/{crossTab,tabLife,ssr,inspect.redaction}.test.ts',
      'test/{actor,svelte,vue}.test.ts',
      'test/{refusalStorm,asyncAuthorize,cookieMode,deadAnswer,expiryCounting,refreshFailure.classification,tokenAnswer.oauth}.test.ts',
      'test/errors.oauth.test.ts',
      'test/{frozenTab,streamEnd}.test.ts',
      'test/{plugins,crossTabRound,unlistedOrigin,integration,integration.adapters,quickStart,docsExamples}.test.ts',
      'test/{react.test,react.binding.test}.tsx',
      'test/{recovery,refreshAnswers,adapterOptions,angular,svelte.runes}.test.ts',
    ],
    env: { FC_RUNS: '100', MODEL_PATHS: 'distinct' },
    sequence: { sequencer: SlowestLast },
    // A mutant that leaves a promise pending fails fast instead of running into Stryker's timeout.
    testTimeout: 8_000,
  },
});
