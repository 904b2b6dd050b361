/**
 * Details on demand: every transition of one top-level state and its children, listed from the
 * running machine with the same description `npm run visualize` draws (scripts/visualize).
 */
import type { AnyStateMachine } from 'xstate';
import {
  allStates,
  describeMachine,
  transitionLabel,
  type MachineGraph,
} from '../../scripts/visualize/machineGraph.js';

const graphs = new WeakMap<AnyStateMachine, MachineGraph>();

function graphOf(machine: AnyStateMachine): MachineGraph {
  const graph = graphs.get(machine) ?? describeMachine(machine);
  graphs.set(machine, graph);
  return graph;
}

const element = <K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = '') =>
  Object.assign(document.createElement(tag), { className, textContent: text });

/** `path` is a state path like `idle`; the list covers it and every state inside it. */
export function showDetails(container: HTMLElement, machine: AnyStateMachine, path: string): void {
  const graph = graphOf(machine);
  const id = `${graph.root.id}.${path}`;
  const name = (stateId: string) =>
    stateId === graph.root.id ? graph.root.key : stateId.slice(graph.root.id.length + 1);
  const state = allStates(graph.root).find((candidate) => candidate.id === id);
  if (!state) return;
  const inside = new Set(allStates(state).map((candidate) => candidate.id));
  const list = element('ul', 'transitions');
  for (const transition of graph.transitions.filter((t) => inside.has(t.source))) {
    const item = element('li', transition.target === null ? 'stays' : '');
    const to = transition.target === null ? '(stays)' : `→ ${name(transition.target)}`;
    item.append(
      element('code', 'from', name(transition.source)),
      ` ${transitionLabel(transition)} `,
      element('code', 'to', to),
    );
    list.append(item);
  }
  const children = state.children.map((child) => child.key).join(', ');
  const heading = element('h3', '', state.key);
  heading.append(element('small', '', children ? ` contains ${children}` : ''));
  const full = Object.assign(element('a', 'full', 'full diagram'), { href: '/diagram.svg', target: '_blank' });
  container.replaceChildren(heading, full, list);
  container.dataset.state = path;
}
