import type { ActorLogic, EventObject, Snapshot } from 'xstate';
import {
  getAdjacencyMap,
  getShortestPaths,
  type AdjacencyMap,
  type AdjacencyValue,
  type StatePath,
  type TraversalOptions,
} from 'xstate/graph';

/**
 * One path per edge of a model: the shortest path to the edge's source state, then the edge.
 * Walking them all takes every transition the enumerated events can trigger, not only every state.
 */
export function edgeCoveringPaths<TSnapshot extends Snapshot<unknown>, TEvent extends EventObject, TInput>(
  logic: ActorLogic<TSnapshot, TEvent, TInput>,
  options: TraversalOptions<TSnapshot, TEvent, TInput> & { serializeState: (snapshot: TSnapshot) => string },
): { paths: StatePath<TSnapshot, TEvent>[]; stateCount: number } {
  const adjacency: AdjacencyMap<TSnapshot, TEvent> = getAdjacencyMap(logic, options);
  const shortest = new Map<string, StatePath<TSnapshot, TEvent>>();
  for (const path of getShortestPaths(logic, options)) shortest.set(options.serializeState(path.state), path);

  const paths: StatePath<TSnapshot, TEvent>[] = [];
  for (const [key, { transitions }] of Object.entries(adjacency) as [string, AdjacencyValue<TSnapshot, TEvent>][]) {
    const prefix = shortest.get(key);
    if (!prefix) throw new Error(`tokenflight/testing: no shortest path to ${key}`);
    for (const { event, state } of Object.values(transitions) as { event: TEvent; state: TSnapshot }[]) {
      paths.push({ state, steps: [...prefix.steps, { event, state }], weight: prefix.weight + 1 });
    }
  }
  return { paths, stateCount: Object.keys(adjacency).length };
}
