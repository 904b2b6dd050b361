import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flush, stepArbitraries, type Model } from './property/commands.js';
import { createSessionWorld } from './property/sessionWorld.js';

/**
 * Property-based test: random interleavings of requests, fresh and stale 401s, refresh and
 * heartbeat answers (success, rejection, transient failure, hang), login, logout and time passing,
 * with the invariants of `SessionWorld.check` verified after every step.
 *
 * Replay a failure with the `seed` and `path` fast-check prints:
 *   FC_SEED=<seed> FC_PATH=<path> npx vitest run test/authSession.property.test.ts
 */

const numRuns = Number(process.env.FC_RUNS ?? 1000);
const seed =
  process.env.FC_SEED === undefined ? Date.now() ^ (Math.random() * 0x100000000) : Number(process.env.FC_SEED);
const path = process.env.FC_PATH;
let passedRuns = 0;
let stepsRun = 0;

beforeEach(() => {
  // setImmediate stays real: it is how a step waits for promises to settle.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.setSystemTime(Date.UTC(2026, 0, 1));
});

afterEach(() => {
  vi.useRealTimers();
});

describe('property: the session keeps its invariants under any interleaving', () => {
  it(`holds over ${numRuns} random command sequences`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(stepArbitraries, { maxCommands: 30, size: 'large' }), async (steps) => {
        const world = createSessionWorld();
        const model: Model = { commands: 0 };
        try {
          await fc.asyncModelRun(() => ({ model, real: world }), steps);
          // Stopping the session settles whoever still waits.
          world.session.stop();
          await flush();
          const waiting = world.waiters.filter((waiter) => !waiter.settled).map((waiter) => waiter.label);
          if (waiting.length > 0) throw new Error(`still waiting after stop: ${waiting.join(', ')}`);
          if (world.violations.length > 0) throw new Error(world.violations.join('; '));
        } finally {
          world.session.stop();
          vi.clearAllTimers();
        }
        passedRuns++;
        stepsRun += model.commands;
      }),
      { numRuns, seed, ...(path === undefined ? {} : { path }), verbose: fc.VerbosityLevel.Verbose },
    );
    expect(passedRuns).toBe(numRuns);
  });

  afterAll(() => {
    console.log(`[property] ${passedRuns}/${numRuns} runs passed (${stepsRun} steps, seed ${seed})`);
  });
});
