import type { AdjacencyMap, AdjacencyValue, StatePath } from 'xstate/graph';
import type { EventObject, Snapshot } from 'xstate';

/** One edge of the model graph: from the state serialized as `sourceKey`, `event` leads to `state`. */
export interface ModelEdge<TSnapshot, TEvent> {
  sourceKey: string;
  source: TSnapshot;
  event: TEvent;
  state: TSnapshot;
  targetKey: string;
}

/**
 * Walks through the model graph that together take every edge `mustTake` selects, each walk
 * starting at the initial state (the adjacency map's first key). A walk takes an untaken edge of
 * the state it is in while there is one, else the shortest way to the nearest state that has one.
 * One actor replays a whole walk, so the replay costs about one step per edge instead of one
 * shortest path per edge. A walk ends after `maxSteps` (failure messages stay readable) or when
 * nothing left to take is reachable from where it is.
 */
export function edgeCoveringWalks<TSnapshot extends Snapshot<unknown>, TEvent extends EventObject>(
  adjacency: AdjacencyMap<TSnapshot, TEvent>,
  serializeState: (snapshot: TSnapshot) => string,
  mustTake: (edge: ModelEdge<TSnapshot, TEvent>) => boolean,
  maxSteps = 200,
): { walks: StatePath<TSnapshot, TEvent>[]; edgeCount: number } {
  const [initialKey] = Object.keys(adjacency);
  if (initialKey === undefined) throw new Error('empty model');
  const edgesFrom = new Map<string, ModelEdge<TSnapshot, TEvent>[]>();
  const entries = Object.entries(adjacency) as [string, AdjacencyValue<TSnapshot, TEvent>][];
  for (const [sourceKey, { state: source, transitions }] of entries) {
    const targets = Object.values(transitions) as { event: TEvent; state: TSnapshot }[];
    edgesFrom.set(
      sourceKey,
      targets.map(({ event, state }) => ({ sourceKey, source, event, state, targetKey: serializeState(state) })),
    );
  }
  const initial = entries[0]![1].state;
  const untaken = new Map<string, ModelEdge<TSnapshot, TEvent>[]>();
  let remaining = 0;
  for (const [key, edges] of edgesFrom) {
    const selected = edges.filter(mustTake);
    if (selected.length > 0) untaken.set(key, selected);
    remaining += selected.length;
  }
  const edgeCount = remaining;

  /** The shortest way from `from` to a state with an untaken edge (breadth first), or null. */
  function routeFrom(from: string): ModelEdge<TSnapshot, TEvent>[] | null {
    const cameBy = new Map<string, ModelEdge<TSnapshot, TEvent> | null>([[from, null]]);
    const queue = [from];
    for (let head = 0; head < queue.length; head++) {
      const key = queue[head]!;
      if (untaken.has(key)) {
        const route: ModelEdge<TSnapshot, TEvent>[] = [];
        for (let edge = cameBy.get(key); edge; edge = cameBy.get(edge.sourceKey)) route.unshift(edge);
        return route;
      }
      for (const edge of edgesFrom.get(key) ?? []) {
        if (cameBy.has(edge.targetKey)) continue;
        cameBy.set(edge.targetKey, edge);
        queue.push(edge.targetKey);
      }
    }
    return null;
  }

  const walks: StatePath<TSnapshot, TEvent>[] = [];
  while (remaining > 0) {
    const steps: StatePath<TSnapshot, TEvent>['steps'] = [{ event: { type: 'xstate.init' } as TEvent, state: initial }];
    let current = initialKey;
    let took = 0;
    while (remaining > 0 && steps.length < maxSteps) {
      const here = untaken.get(current);
      if (here) {
        // Rather an edge into a state with more to take: fewer detours.
        const index = Math.max(
          0,
          here.findIndex((edge) => edge.targetKey !== current && untaken.has(edge.targetKey)),
        );
        const [next] = here.splice(index, 1) as [ModelEdge<TSnapshot, TEvent>];
        if (here.length === 0) untaken.delete(current);
        remaining--;
        took++;
        steps.push({ event: next.event, state: next.state });
        current = next.targetKey;
        continue;
      }
      const route = routeFrom(current);
      if (!route) break;
      for (const edge of route) steps.push({ event: edge.event, state: edge.state });
      current = route.at(-1)!.targetKey;
    }
    if (took === 0) throw new Error(`${remaining} model edges are not reachable from the initial state`);
    walks.push({ state: steps.at(-1)!.state, steps, weight: steps.length - 1 });
  }
  return { walks, edgeCount };
}
