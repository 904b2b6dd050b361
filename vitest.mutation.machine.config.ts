import { defineConfig } from 'vitest/config';
import { packageAliases } from './vitest.shared.js';

/**
 * The second mutation pass (stryker.machine.config.mjs): the tests of the machine and of the session's
 * behaviour that drive it, all in Node, without the adapters, plugins and frameworks. Small enough that
 * each module-level mutant of machines/ can have its module reloaded and every one of these files run.
 */
export default defineConfig({
  resolve: { alias: packageAliases },
  test: {
    include: [
      'test/unit/machineEdges.unit.test.ts',
      'test/authSession.model.test.ts',
      'test/authSession.property.test.ts',
      'test/{sessionLifecycle,tokenRequests,refreshRounds,queue,timers,recovery,expiryCounting,deadAnswer,observing,options,errors}.test.ts',
    ],
    env: { FC_RUNS: '100', MODEL_PATHS: 'distinct' },
    testTimeout: 8_000,
  },
});
