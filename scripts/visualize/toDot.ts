import {
  transitionLabel,
  triggerLabel,
  type MachineGraph,
  type StateInfo,
  type TransitionInfo,
} from './machineGraph.js';

/** Colours and fonts: one place, so the picture can be tuned without touching the structure. */
export const THEME = {
  font: 'Helvetica',
  /** Point sizes: state names, edge labels, the grey small print inside states. */
  stateSize: 12,
  edgeSize: 10,
  smallSize: 9,
  ink: '#1f2933',
  muted: '#52606d',
  line: '#7b8794',
  stateFill: '#f5f7fa',
  clusterFill: '#ffffff',
  border: '#3e4c59',
};
export type Theme = typeof THEME;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** DOT ids are quoted, so any state id works. */
function quote(id: string): string {
  return `"${id.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const clusterName = (state: StateInfo) => quote(`cluster_${state.id}`);
const initialPoint = (stateId: string) => quote(`${stateId}#initial`);

/**
 * One edge per pair of states: each transition between them is a line of the label, its guard
 * on a grey line below it. Parallel edges and wide labels are what make a state chart unreadable.
 */
function edgeLabel(transitions: TransitionInfo[]): string {
  const lines = transitions.flatMap((t) => {
    const trigger = escapeHtml(triggerLabel({ ...t, guard: null }));
    return t.guard === null ? [trigger] : [trigger, `<font color="${THEME.muted}">[${escapeHtml(t.guard)}]</font>`];
  });
  return `<${lines.join('<br/>')}>`;
}

/**
 * A state's label: its name, the actors it invokes, then its internal transitions (targetless
 * ones, and self-transitions of composite states, which Graphviz cannot draw as loops).
 */
function stateLabel(state: StateInfo, internal: TransitionInfo[], theme: Theme): string {
  const rows = [`<tr><td><b>${escapeHtml(state.key)}</b></td></tr>`];
  for (const src of state.invokes) {
    rows.push(
      `<tr><td><font point-size="${theme.smallSize}" color="${THEME.muted}"><i>invoke ${escapeHtml(src)}</i></font></td></tr>`,
    );
  }
  if (state.substates !== undefined && state.substates.length > 0) {
    // One cell per child, so a page can find and light each name.
    const cells = state.substates.map(
      (name) => `<td><font point-size="${theme.smallSize}" color="${THEME.muted}">${escapeHtml(name)}</font></td>`,
    );
    rows.push(
      `<tr><td><table border="0" cellborder="1" cellspacing="4" cellpadding="3" color="${THEME.line}" style="rounded"><tr>${cells.join('')}</tr></table></td></tr>`,
    );
  }
  if (internal.length > 0) {
    rows.push('<hr/>');
    for (const transition of internal) {
      const text = transitionLabel(transition) + (transition.target === null ? '' : ' (re-enter)');
      rows.push(
        `<tr><td align="left"><font point-size="${theme.smallSize}" color="${THEME.muted}">${escapeHtml(text)}</font></td></tr>`,
      );
    }
  }
  return `<<table border="0" cellborder="0" cellspacing="0" cellpadding="2">${rows.join('')}</table>>`;
}

/** Transitions that stay inside `state`: drawn as text in the state, not as edges. */
function internalTransitions(graph: MachineGraph, state: StateInfo): TransitionInfo[] {
  return graph.transitions.filter(
    (t) => t.source === state.id && (t.target === null || (t.target === state.id && state.children.length > 0)),
  );
}

/**
 * Graphviz draws edges between nodes only. An edge to or from a composite state attaches to the
 * composite's initial point and is clipped at the cluster border (`lhead` / `ltail`).
 */
interface Endpoint {
  node: string;
  cluster: string | null;
}

function endpoint(states: Map<string, StateInfo>, id: string): Endpoint {
  const state = states.get(id);
  if (state === undefined || state.children.length === 0) return { node: quote(id), cluster: null };
  return { node: initialPoint(id), cluster: clusterName(state) };
}

/**
 * An edge between two atomic states carries its label. An edge that enters or leaves a composite
 * state is split at a label node: Graphviz keeps nodes outside clusters they do not belong to,
 * while an edge label placed near a clipped (`lhead`/`ltail`) end can land on the cluster border.
 */
function edgeLines(
  { from, to, transitions }: { from: Endpoint; to: Endpoint; transitions: TransitionInfo[] },
  index: number,
  theme: Theme,
): string[] {
  if (!from.cluster && !to.cluster) return [`  ${from.node} -> ${to.node} [label=${edgeLabel(transitions)}];`];
  const labelNode = quote(`label#${index}`);
  return [
    `  ${labelNode} [shape=plaintext, fillcolor="white", margin=0, fontsize=${theme.edgeSize}, label=${edgeLabel(transitions)}];`,
    `  ${from.node} -> ${labelNode} [arrowhead=none${from.cluster ? `, ltail=${from.cluster}` : ''}];`,
    `  ${labelNode} -> ${to.node}${to.cluster ? ` [lhead=${to.cluster}]` : ''};`,
  ];
}

function writeState(graph: MachineGraph, state: StateInfo, indent: string, lines: string[], theme: Theme): void {
  const internal = internalTransitions(graph, state);
  if (state.children.length === 0) {
    lines.push(`${indent}${quote(state.id)} [label=${stateLabel(state, internal, theme)}];`);
    return;
  }
  lines.push(`${indent}subgraph ${clusterName(state)} {`);
  const inner = `${indent}  `;
  lines.push(`${inner}label=${stateLabel(state, internal, theme)};`);
  lines.push(`${inner}${initialPoint(state.id)} [shape=point, width=0.1];`);
  for (const child of state.children) writeState(graph, child, inner, lines, theme);
  lines.push(`${indent}}`);
}

/**
 * Graphviz DOT for the machine: atomic states are boxes, composite states are clusters, each
 * with its initial point; every transition that leaves its state is an edge labelled
 * `event [guard]` with its actions below; transitions that stay are listed inside the state.
 */
export function toDot(graph: MachineGraph, header: string[] = [], theme: Theme = THEME): string {
  const { root } = graph;
  const states = new Map<string, StateInfo>();
  const collect = (state: StateInfo) => {
    states.set(state.id, state);
    state.children.forEach(collect);
  };
  collect(root);

  const everywhere = internalTransitions(graph, root);
  const title = [`<b>${escapeHtml(root.key)}</b>`];
  if (everywhere.length > 0) {
    title.push(
      `<font point-size="${theme.smallSize}" color="${THEME.muted}">in every state: ${escapeHtml(everywhere.map(transitionLabel).join('; '))}</font>`,
    );
  }

  const lines = [
    ...header.map((line) => `// ${line}`),
    `digraph ${quote(root.id)} {`,
    `  graph [rankdir=TB, compound=true, newrank=true, nodesep=0.2, ranksep=0.3, fontname="${THEME.font}", fontsize=${theme.stateSize}, fontcolor="${THEME.ink}", labelloc=t, labeljust=l, style="rounded", color="${THEME.border}", bgcolor="white", label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">${title.map((line) => `<tr><td align="left">${line}</td></tr>`).join('')}</table>>];`,
    `  node [shape=box, style="rounded,filled", fillcolor="${THEME.stateFill}", color="${THEME.border}", fontname="${THEME.font}", fontsize=${theme.stateSize}, fontcolor="${THEME.ink}", margin="0.12,0.06"];`,
    `  edge [fontname="${THEME.font}", fontsize=${theme.edgeSize}, color="${THEME.line}", arrowsize=0.7];`,
    `  ${initialPoint(root.id)} [shape=point, width=0.12];`,
  ];
  for (const state of root.children) writeState(graph, state, '  ', lines, theme);

  for (const state of states.values()) {
    if (state.initial === null) continue;
    const to = endpoint(states, state.initial);
    lines.push(`  ${initialPoint(state.id)} -> ${to.node}${to.cluster ? ` [lhead=${to.cluster}]` : ''};`);
  }
  const edges = new Map<string, { from: Endpoint; to: Endpoint; transitions: TransitionInfo[] }>();
  for (const transition of graph.transitions) {
    if (transition.target === null) continue;
    const source = states.get(transition.source);
    if (transition.target === transition.source && source !== undefined && source.children.length > 0) continue;
    const from = endpoint(states, transition.source);
    const to = endpoint(states, transition.target);
    const key = `${transition.source} -> ${transition.target}`;
    const edge = edges.get(key) ?? { from, to, transitions: [] };
    edge.transitions.push(transition);
    edges.set(key, edge);
  }
  [...edges.values()].forEach((edge, index) => lines.push(...edgeLines(edge, index, theme)));
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
