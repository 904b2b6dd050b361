import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, setup, type ActorRefLike, type AnyActorRef, type InspectionEvent } from 'xstate';
import { REDACTED, redactActorRef, redactInspectionEvent } from '../../src/inspect/redact.js';

const SECRET = 'tok-live-1';
const secrets = new Set([SECRET]);

/** A machine shaped like the session: a token in context, a tagged state, an invoked child that gets the token as input. */
const machine = setup({
  // Types only, as in machines/authSessionSetup.ts.
  types: { context: {} as { accessToken: string } },
  actors: { loadUser: fromPromise(async ({ input }: { input: { token: string } }) => `user of ${input.token}`) },
}).createMachine({
  id: 'root',
  context: { accessToken: SECRET },
  initial: 'loading',
  states: {
    loading: {
      tags: ['busy'],
      invoke: {
        id: 'fetcher',
        src: 'loadUser',
        input: ({ context }) => ({ token: context.accessToken }),
        onDone: 'ready',
      },
    },
    ready: {},
  },
});

type Seen = { raw: InspectionEvent; out: Record<string, unknown> };

/** Runs the machine to its end, keeping each inspection event next to what an inspector would get. */
async function inspectRun() {
  const seen: Seen[] = [];
  const actor = createActor(machine, {
    inspect: (raw) =>
      seen.push({ raw, out: redactInspectionEvent(raw, secrets) as unknown as Record<string, unknown> }),
  });
  actor.start();
  const child = actor.getSnapshot().children.fetcher as AnyActorRef;
  await new Promise((resolve) => setTimeout(resolve, 0));
  return { seen, actor, child, of: (type: string) => seen.filter(({ raw }) => raw.type === type) };
}

type RedactedSnapshot = Record<string, unknown> & {
  matches?: (value: string) => boolean;
  hasTag?: (tag: string) => boolean;
};

describe('actor stand-ins', () => {
  it('one stand-in per actor, with its string ids, its parent as a stand-in, and the static machine config only', async () => {
    const { seen, actor, child } = await inspectRun();
    const root = redactActorRef(actor, secrets);
    const fetcher = redactActorRef(child, secrets);
    // Inspectors that key by reference see one object per actor, on every event.
    for (const { raw, out } of seen) expect(out.actorRef).toBe(raw.actorRef === actor ? root : fetcher);
    expect(fetcher).not.toBe(root);

    expect(root).toMatchObject({ id: actor.id, sessionId: actor.sessionId, _parent: undefined });
    // The root's src is the machine object itself: left out, only a string name is kept.
    expect((root as { src?: unknown }).src).toBeUndefined();
    expect((root as { logic?: unknown }).logic).toStrictEqual({ config: machine.config });

    expect(fetcher).toMatchObject({ id: 'fetcher', sessionId: child.sessionId, src: 'loadUser' });
    expect((fetcher as { _parent?: unknown })._parent).toBe(root);
    // A promise actor's "config" is its function, which closes over runtime data: left out.
    expect((fetcher as { logic?: unknown }).logic).toStrictEqual({});
    expect(JSON.parse(JSON.stringify(fetcher))).toStrictEqual({ id: 'fetcher', sessionId: child.sessionId });
  });

  it('keeps ids that are not strings and configs that are not objects out', () => {
    const foreign = {
      id: 7,
      src: { secret: SECRET },
      sessionId: 's-1',
      logic: { config: null },
      send() {},
      getSnapshot: () => ({}),
    };
    const standIn = redactActorRef(foreign, secrets) as unknown as Record<string, unknown>;
    expect(standIn.id).toBeUndefined();
    expect(standIn.src).toBeUndefined();
    expect(standIn.logic).toStrictEqual({});
    expect(JSON.stringify(standIn)).toBe('{"sessionId":"s-1"}');
  });

  it('reads a foreign actor whose getSnapshot() gives no object as an empty snapshot', () => {
    for (const snapshot of [undefined, null, 'done']) {
      const foreign = { sessionId: 's', send() {}, getSnapshot: () => snapshot } as unknown as ActorRefLike;
      expect(redactActorRef(foreign, secrets).getSnapshot()).toStrictEqual({});
    }
  });
});

describe('redacted snapshots', () => {
  it('hold status, value, context, output and error, tags as strings and children as stand-ins, nothing else', async () => {
    const { of, child } = await inspectRun();
    const first = of('@xstate.snapshot').find(({ raw }) => raw.actorRef !== child)!;
    const snapshot = first.out.snapshot as RedactedSnapshot;
    // No machine, no node list, no history, no input the machine never had.
    expect(Object.keys(snapshot).sort()).toEqual(['children', 'context', 'error', 'output', 'status', 'tags', 'value']);
    expect(snapshot).toMatchObject({
      status: 'active',
      value: 'loading',
      context: { accessToken: REDACTED },
      tags: ['busy'],
    });
    expect((snapshot.children as Record<string, unknown>).fetcher).toBe(redactActorRef(child, secrets));
    expect(snapshot.matches?.('loading')).toBe(true);
    expect(snapshot.hasTag?.('busy')).toBe(true);
    expect(snapshot.hasTag?.('idle')).toBe(false);
  });

  it('can be posted to another window: the question methods are not enumerable, so structured clone skips them', async () => {
    const { of, actor } = await inspectRun();
    const last = of('@xstate.snapshot')
      .filter(({ raw }) => raw.actorRef === actor)
      .at(-1)!;
    const snapshot = last.out.snapshot as RedactedSnapshot;
    expect(snapshot.matches?.('ready')).toBe(true);
    expect(Object.keys(snapshot)).not.toContain('matches');
    expect(structuredClone(snapshot)).toStrictEqual({
      status: 'active',
      value: 'ready',
      context: { accessToken: REDACTED },
      output: undefined,
      error: undefined,
      tags: [],
      children: {},
    });
  });

  it('a child actor read through its stand-in shows what it holds now, redacted, and no state questions it cannot answer', async () => {
    const actor = createActor(machine).start();
    const fetcher = redactActorRef(actor.getSnapshot().children.fetcher as AnyActorRef, secrets);
    const running = fetcher.getSnapshot() as RedactedSnapshot;
    expect(running).toStrictEqual({
      status: 'active',
      output: undefined,
      error: undefined,
      input: { token: REDACTED },
    });
    expect('matches' in running).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Read later (as @statelyai/inspect does), it redacts what the actor holds by then.
    expect(fetcher.getSnapshot()).toMatchObject({ status: 'done', output: `user of ${REDACTED}` });
  });

  it('drops tags that are not strings and children that are null', () => {
    const snapshot = { status: 'active', value: 'x', tags: new Set(['busy', 42]), children: null };
    const foreign = { sessionId: 't', send() {}, getSnapshot: () => snapshot } as unknown as ActorRefLike;
    expect(redactActorRef(foreign, secrets).getSnapshot()).toStrictEqual({
      status: 'active',
      value: 'x',
      tags: ['busy'],
    });
  });
});

describe('inspection events by type', () => {
  it('an event carries its source as a stand-in, and its payload redacted', async () => {
    const { of, actor, child } = await inspectRun();
    const fromChild = of('@xstate.event').find(({ raw }) => raw.type === '@xstate.event' && raw.sourceRef === child)!;
    expect(fromChild.out.sourceRef).toBe(redactActorRef(child, secrets));
    const fromParent = of('@xstate.event').find(({ raw }) => raw.type === '@xstate.event' && raw.sourceRef === actor)!;
    expect(fromParent.out.sourceRef).toBe(redactActorRef(actor, secrets));
    const done = of('@xstate.event').find(
      ({ raw }) => raw.type === '@xstate.event' && raw.event.type === 'xstate.done.actor.fetcher',
    )!;
    expect(done.out.event).toMatchObject({ output: `user of ${REDACTED}` });
  });

  it('a microstep passes the transition definitions through as they are (static machine config)', async () => {
    const { of } = await inspectRun();
    const [step] = of('@xstate.microstep');
    const raw = step!.raw as Extract<InspectionEvent, { type: '@xstate.microstep' }>;
    expect(raw._transitions.length).toBe(1);
    expect(step!.out._transitions).toBe(raw._transitions);
    expect((step!.out.snapshot as RedactedSnapshot).value).toBe('ready');
  });

  it('a transition event is built like a snapshot event: no transition list, the snapshot field by field', async () => {
    const { of, actor } = await inspectRun();
    const { raw } = of('@xstate.snapshot').find(({ raw }) => raw.actorRef === actor)!;
    const asSnapshot = redactInspectionEvent(raw, secrets);
    const asTransition = redactInspectionEvent({ ...raw, type: '@xstate.transition' } as InspectionEvent, secrets);
    expect(Object.keys(asTransition).sort()).toEqual(['actorRef', 'event', 'rootId', 'snapshot', 'type']);
    expect({ ...asTransition, type: '@xstate.snapshot' }).toStrictEqual(asSnapshot);
  });

  it('an event type newer than this file keeps the actor stand-in and its root id, with the rest redacted', () => {
    const actorRef = { id: 'a', sessionId: 'x:9', send() {}, getSnapshot: () => ({}) };
    const future = {
      type: '@xstate.future',
      rootId: 'x:9',
      actorRef,
      payload: { accessToken: SECRET, note: `has ${SECRET}` },
    };
    const out = redactInspectionEvent(future as unknown as InspectionEvent, secrets) as unknown as Record<
      string,
      unknown
    >;
    expect(out.actorRef).toBe(redactActorRef(actorRef as unknown as ActorRefLike, secrets));
    expect(out).toMatchObject({
      type: '@xstate.future',
      rootId: 'x:9',
      payload: { accessToken: REDACTED, note: `has ${REDACTED}` },
    });
    expect(Object.keys(out).sort()).toEqual(['actorRef', 'payload', 'rootId', 'type']);
  });
});
