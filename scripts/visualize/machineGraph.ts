import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { toDirectedGraph, type DirectedGraphNode } from 'xstate/graph';

/**
 * A plain description of a machine's states and transitions, read from `toDirectedGraph`.
 * Mermaid and DOT are both written from this, so the two pictures cannot disagree.
 */
export interface StateInfo {
  /** The state node id, e.g. `authSession.idle.waiting`. */
  id: string;
  /** The name shown in pictures, e.g. `waiting`. */
  key: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** Id of the initial child of a compound state. */
  initial: string | null;
  /** `src` of every actor the state invokes. */
  invokes: string[];
  children: StateInfo[];
  /** In an overview (see overviewGraph): the names of the children, which are not drawn as states. */
  substates?: string[];
}

export type TransitionKind = 'event' | 'after' | 'done' | 'error' | 'always';

export interface TransitionInfo {
  source: string;
  /** null for a targetless transition: it runs actions and stays where it is. */
  target: string | null;
  kind: TransitionKind;
  /** The event type, the delay name (`after`) or the invoked actor's src (`done`, `error`). */
  trigger: string;
  guard: string | null;
  actions: string[];
  /** A transition to its own state (or an ancestor) that exits and enters again. */
  reenter: boolean;
}

export interface MachineGraph {
  root: StateInfo;
  transitions: TransitionInfo[];
}

/** A transition's event type: typed `any` for a machine-agnostic transition, a string at run time. */
export function eventTypeOf(transition: AnyTransitionDefinition): string {
  const eventType: unknown = transition.eventType;
  if (typeof eventType !== 'string') throw new TypeError(`${transition.source.id}: a transition without an event type`);
  return eventType;
}

/** The name of a guard, action or delay, whether it is a string, `{ type }` or a function. */
function nameOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return `${value}ms`;
  if (typeof value === 'function') return value.name || 'inline';
  if (typeof value === 'object' && value !== null && 'type' in value && typeof value.type === 'string')
    return value.type;
  return 'inline';
}

/** The `src` of the actor that an `xstate.done.actor.<id>` event comes from. */
function invokedSrc(stateNode: AnyStateNode, invokeId: string): string {
  const definition = stateNode.invoke.find((invoke) => invoke.id === invokeId);
  return definition ? nameOf(definition.src) : invokeId;
}

function describeTransition(
  stateNode: AnyStateNode,
  transition: AnyTransitionDefinition,
  target: AnyStateNode | null,
): TransitionInfo {
  const eventType = eventTypeOf(transition);
  const base = {
    source: stateNode.id,
    target: target?.id ?? null,
    guard: transition.guard === undefined ? null : nameOf(transition.guard),
    actions: transition.actions.map(nameOf),
    reenter: transition.reenter,
  };
  // Delayed transitions (`after`) carry the delay: its name, or a number of ms.
  const delay: unknown = 'delay' in transition ? transition.delay : undefined;
  if (delay !== undefined) return { ...base, kind: 'after', trigger: nameOf(delay) };
  if (eventType === '') return { ...base, kind: 'always', trigger: 'always' };
  for (const [prefix, kind] of [
    ['xstate.done.actor.', 'done'],
    ['xstate.error.actor.', 'error'],
  ] as const) {
    if (eventType.startsWith(prefix))
      return { ...base, kind, trigger: invokedSrc(stateNode, eventType.slice(prefix.length)) };
  }
  return { ...base, kind: 'event', trigger: eventType };
}

function describeState(node: DirectedGraphNode, transitions: TransitionInfo[]): StateInfo {
  const stateNode = node.stateNode;
  for (const edge of node.edges) {
    // toDirectedGraph draws a targetless transition as an edge back to its own state.
    const target = edge.transition.target ? edge.target : null;
    transitions.push(describeTransition(stateNode, edge.transition, target));
  }
  // toDirectedGraph leaves out eventless (`always`) transitions.
  for (const transition of stateNode.always ?? []) {
    for (const target of transition.target ?? [null])
      transitions.push(describeTransition(stateNode, transition, target));
  }
  const initial = stateNode.type === 'compound' ? (stateNode.initial.target[0]?.id ?? null) : null;
  return {
    id: stateNode.id,
    key: stateNode.key,
    type: stateNode.type,
    initial,
    invokes: stateNode.invoke.map((invoke) => nameOf(invoke.src)),
    children: node.children.map((child) => describeState(child, transitions)),
  };
}

export function describeMachine(machine: AnyStateMachine): MachineGraph {
  const transitions: TransitionInfo[] = [];
  const root = describeState(toDirectedGraph(machine), transitions);
  return { root, transitions };
}

/** `LOGIN`, `after refreshDue`, `onDone refresh`, followed by ` [guard]` when there is one. */
export function triggerLabel(transition: TransitionInfo): string {
  const trigger =
    transition.kind === 'after'
      ? `after ${transition.trigger}`
      : transition.kind === 'done'
        ? `onDone ${transition.trigger}`
        : transition.kind === 'error'
          ? `onError ${transition.trigger}`
          : transition.trigger;
  return transition.guard === null ? trigger : `${trigger} [${transition.guard}]`;
}

/** The whole label: trigger, guard, then ` / action, action` when the transition runs actions. */
export function transitionLabel(transition: TransitionInfo): string {
  const trigger = triggerLabel(transition);
  return transition.actions.length === 0 ? trigger : `${trigger} / ${transition.actions.join(', ')}`;
}

/** Every state in document order, the root first. */
export function allStates(root: StateInfo): StateInfo[] {
  return [root, ...root.children.flatMap(allStates)];
}

/** The id of the state that contains `id`, or null for the root. */
export function parentIdOf(graph: MachineGraph, id: string): string | null {
  for (const state of allStates(graph.root)) {
    if (state.children.some((child) => child.id === id)) return state.id;
  }
  return null;
}

/** The top-level state (a child of the root) that holds `id`, or the root itself. */
function topLevelId(graph: MachineGraph, id: string): string {
  return graph.root.children.find((state) => id === state.id || id.startsWith(`${state.id}.`))?.id ?? graph.root.id;
}

/**
 * The machine as its top-level states only: each transition between two of them, by trigger
 * (no guards, no actions, each trigger once per pair); a composite state becomes one box that
 * names its children. What a reader needs first; the full graph is the detail.
 */
export function overviewGraph(graph: MachineGraph): MachineGraph {
  const strip = (state: StateInfo): StateInfo =>
    state.children.length === 0
      ? { ...state, invokes: [] }
      : {
          ...state,
          type: 'atomic',
          initial: null,
          invokes: [],
          children: [],
          substates: state.children.map((child) => child.key),
        };
  const seen = new Set<string>();
  const transitions: TransitionInfo[] = [];
  for (const transition of graph.transitions) {
    if (transition.target === null) continue;
    const source = topLevelId(graph, transition.source);
    const target = topLevelId(graph, transition.target);
    const overview = { ...transition, source, target, guard: null, actions: [], reenter: false };
    const key = `${source} ${target} ${triggerLabel(overview)}`;
    if (source === target || source === graph.root.id || seen.has(key)) continue;
    seen.add(key);
    transitions.push(overview);
  }
  return { root: { ...graph.root, children: graph.root.children.map(strip) }, transitions };
}
