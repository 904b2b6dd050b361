import { parentIdOf, transitionLabel, type MachineGraph, type StateInfo, type TransitionInfo } from './machineGraph.js';

/** Mermaid ids cannot hold dots and must be unique across composite states: `idle.waiting` → `idle_waiting`. */
export function mermaidId(graph: MachineGraph, stateId: string): string {
  const relative = stateId === graph.root.id ? stateId : stateId.slice(graph.root.id.length + 1);
  return relative.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * Mermaid's lexer ends a description at a newline, `:` or `;`, reads `#` as a comment, and its
 * renderer takes `<` `>` for HTML (entity codes would need the `;`): keep labels clear of them.
 */
function safeLabel(text: string): string {
  return text
    .replace(/[\r\n:;#]/g, ' ')
    .replace(/</g, '‹')
    .replace(/>/g, '›');
}

function edgeLine(graph: MachineGraph, transition: TransitionInfo): string {
  const source = mermaidId(graph, transition.source);
  const target = mermaidId(graph, transition.target ?? transition.source);
  return `${source} --> ${target} : ${safeLabel(transitionLabel(transition))}`;
}

/**
 * The composite state whose block a transition is written in, or null for the top level.
 * Mermaid puts a state into whichever block mentions it last, so only a transition between
 * two children of the same composite goes inside that composite's block.
 */
function enclosingBlock(graph: MachineGraph, transition: TransitionInfo): string | null {
  const sourceParent = parentIdOf(graph, transition.source);
  const targetParent = parentIdOf(graph, transition.target ?? transition.source);
  return sourceParent === targetParent && sourceParent !== graph.root.id ? sourceParent : null;
}

function writeState(graph: MachineGraph, state: StateInfo, indent: string, lines: string[]): void {
  const id = mermaidId(graph, state.id);
  // `state "name" as id` only where the name is not the id: the plain forms are the common ones.
  const declaration = state.key === id ? `state ${id}` : `state "${safeLabel(state.key)}" as ${id}`;
  if (state.children.length === 0) {
    lines.push(`${indent}${declaration}`);
  } else {
    lines.push(`${indent}${declaration} {`);
    const inner = `${indent}  `;
    if (state.initial !== null) lines.push(`${inner}[*] --> ${mermaidId(graph, state.initial)}`);
    for (const child of state.children) writeState(graph, child, inner, lines);
    for (const transition of graph.transitions) {
      if (enclosingBlock(graph, transition) === state.id) lines.push(`${inner}${edgeLine(graph, transition)}`);
    }
    lines.push(`${indent}}`);
  }
  for (const src of state.invokes) lines.push(`${indent}${id} : invoke ${safeLabel(src)}`);
}

/**
 * A Mermaid `stateDiagram-v2`: every state (nested ones as composite states) and every
 * transition, labelled `event [guard] / actions`. Targetless transitions are self-loops;
 * those on the machine itself (handled in every state) become a note on the initial state.
 */
export function toMermaid(graph: MachineGraph, header: string[] = []): string {
  const lines = ['stateDiagram-v2', ...header.map((line) => `  %% ${line}`)];
  const { root } = graph;
  if (root.initial !== null) lines.push(`  [*] --> ${mermaidId(graph, root.initial)}`);

  const everywhere = graph.transitions.filter((t) => t.source === root.id && t.target === null);
  // Transitions that cross composite borders come first: the blocks below then place each state last.
  for (const transition of graph.transitions) {
    if (everywhere.includes(transition) || enclosingBlock(graph, transition) !== null) continue;
    lines.push(`  ${edgeLine(graph, transition)}`);
  }
  for (const state of root.children) writeState(graph, state, '  ', lines);

  const noteOn = root.initial ?? root.children[0]?.id;
  if (everywhere.length > 0 && noteOn !== undefined) {
    lines.push(`  note right of ${mermaidId(graph, noteOn)}`);
    lines.push('    In every state:');
    for (const transition of everywhere) lines.push(`    ${safeLabel(transitionLabel(transition))}`);
    lines.push('  end note');
  }
  return `${lines.join('\n')}\n`;
}
