import { createActor, fromPromise, type InspectionEvent } from 'xstate';
import { authSessionMachine } from '../../machines/authSession.js';
import type {
  AuthEmitted,
  HeartbeatActorInput,
  RefreshActorInput,
  SessionConfig,
} from '../../machines/authSessionTypes.js';
import { createDelays } from '../../machines/delays.js';
import type { ReceivedTokens } from '../../domain/tokens.js';
import { ManualClock } from './manualClock.js';
import { holdCall, liveCalls, type HeldCall } from '../support/heldCall.js';
import { invokeSources, transitionKey, type ModelEvent } from './machineModel.js';

const sources = invokeSources();

function held<TInput, TOutput>(calls: HeldCall<TInput, TOutput>[]) {
  return fromPromise<TOutput, TInput>(({ input, signal }) => holdCall(calls, input, signal));
}

/** A macrotask: long enough for promise outcomes to reach the actor. */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The real machine, provided with hand-settled `refresh`/`heartbeat` actors and a manual clock
 * that the delays and the scheduler share. Records every transition taken (from the inspector's
 * microsteps) and every emitted event.
 */
export function createMachineHarness(config: SessionConfig, start: number) {
  const clock = new ManualClock(start);
  const refreshCalls: HeldCall<RefreshActorInput, ReceivedTokens>[] = [];
  const heartbeatCalls: HeldCall<HeartbeatActorInput, boolean>[] = [];
  const taken: string[] = [];
  const emitted: AuthEmitted[] = [];
  const machine = authSessionMachine.provide({
    actors: { refresh: held(refreshCalls), heartbeat: held(heartbeatCalls) },
    delays: createDelays(
      () => clock.now,
      () => 0.5,
    ),
  });
  const actor = createActor(machine, {
    input: { config },
    clock,
    inspect: (event: InspectionEvent) => {
      if (event.type === '@xstate.microstep') taken.push(...event._transitions.map(transitionKey));
    },
  });
  clock.attach(actor);
  actor.on('*', (event) => emitted.push(event));

  function callsFor(eventType: string): HeldCall<unknown, unknown>[] {
    const invokeId = eventType.replace(/^xstate\.(done|error)\.actor\./, '');
    const src = sources.get(invokeId);
    if (src === 'refresh') return refreshCalls;
    if (src === 'heartbeat') return heartbeatCalls;
    throw new Error(`unknown invoke ${invokeId}`);
  }

  /** Makes a model event happen the way it would in production, then lets the actor react. */
  async function apply(event: ModelEvent): Promise<void> {
    if (event.type.startsWith('xstate.after.')) {
      clock.fire(event.type);
    } else if (event.type.startsWith('xstate.done.actor.') || event.type.startsWith('xstate.error.actor.')) {
      const live = liveCalls(callsFor(event.type));
      if (live.length !== 1) throw new Error(`${event.type}: expected one call in flight, found ${live.length}`);
      if (event.type.startsWith('xstate.done.')) live[0]!.resolve('output' in event ? event.output : undefined);
      else live[0]!.reject('error' in event ? event.error : undefined);
      // The promise's outcome reaches the actor asynchronously; timers and sends act at once.
      await flush();
    } else {
      actor.send(event as Parameters<typeof actor.send>[0]);
    }
  }

  return { actor, clock, refreshCalls, heartbeatCalls, taken, emitted, apply };
}

export type MachineHarness = ReturnType<typeof createMachineHarness>;
