import { defineConfig } from 'vitest/config';
import { packageAliases, svelteInBrowser } from './vitest.shared.js';

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
      'test/{frozenTab,streamEnd}.test.ts',
      'test/{plugins,crossTabRound,unlistedOrigin,integration,integration.adapters,quickStart,docsExamples}.test.ts',
      'test/{react.test,react.binding.test}.tsx',
      'test/{recovery,refreshAnswers,adapterOptions,angular,svelte.runes}.test.ts',
    ],
    env: { FC_RUNS: '100', MODEL_PATHS: 'distinct' },
    // A mutant that leaves a promise pending fails fast instead of running into Stryker's timeout.
    testTimeout: 8_000,
  },
});
