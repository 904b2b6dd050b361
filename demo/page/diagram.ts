/**
 * The session machine's diagram with the active states highlighted. Uses the
 * generated `visualizations/authSession.svg` (served as /diagram.svg) when its
 * nodes can be matched to states; otherwise draws the machine's own state
 * tree: top-level states as boxes, child states inside, arrows for every
 * transition read from the machine definition.
 */
import type { AuthSessionActor } from '../../src/index.js';

type StateNode = AuthSessionActor['logic']['root'];
type StateValue = ReturnType<AuthSessionActor['getSnapshot']>['value'];

const SVG_NS = 'http://www.w3.org/2000/svg';

/** 'loggedOut' → ['loggedOut']; { idle: 'waiting' } → ['idle', 'idle.waiting']. */
export function activePaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value];
  return Object.entries(value).flatMap(([key, child]) => [
    prefix + key,
    ...(child === undefined ? [] : activePaths(child as StateValue, `${prefix}${key}.`)),
  ]);
}

function relativePath(node: StateNode): string {
  return node.path.join('.');
}

function allStates(node: StateNode): StateNode[] {
  return Object.values(node.states).flatMap((child) => [child, ...allStates(child)]);
}

export function eventLabel(type: string): string {
  const after = /^xstate\.after\.([^.]+)\./.exec(type);
  if (after) return `after ${after[1]}`;
  if (type.startsWith('xstate.done.actor')) return 'done';
  if (type.startsWith('xstate.error.actor')) return 'error';
  return type;
}

/** Graphviz titles may be `idle`, `authSession.idle`, `#authSession.idle` or `cluster_idle`. */
function titleToPath(title: string, machineId: string): string {
  return title.replace(/^#/, '').replace(/^cluster_/, '').replace(new RegExp(`^${machineId}\\.`), '');
}

export interface Diagram {
  element: Element;
  highlight(value: StateValue): void;
}

/** Tries the generated SVG; null when it is missing or does not name the machine's states. */
async function generatedDiagram(root: StateNode): Promise<Diagram | null> {
  const response = await fetch('/diagram.svg').catch(() => null);
  if (!response?.ok) return null;
  const parsed = new DOMParser().parseFromString(await response.text(), 'image/svg+xml').documentElement;
  if (parsed.nodeName !== 'svg') return null;
  const element = document.importNode(parsed, true);
  const known = new Set(allStates(root).map(relativePath));
  const groups = [...element.querySelectorAll('g.node, g.cluster')]
    .map((group) => ({ group, path: titleToPath(group.querySelector('title')?.textContent?.trim() ?? '', root.id) }))
    .filter(({ path }) => known.has(path));
  if (groups.length === 0) return null;
  // Let CSS size it to the card.
  element.removeAttribute('width');
  element.removeAttribute('height');
  return {
    element,
    highlight(value) {
      const active = new Set(activePaths(value));
      for (const { group, path } of groups) group.classList.toggle('active', active.has(path));
    },
  };
}

export async function showDiagram(container: HTMLElement, actor: AuthSessionActor): Promise<Diagram> {
  const root = actor.logic.root;
  const generated = await generatedDiagram(root);
  const diagram = generated ?? drawStateTree(root);
  container.dataset.source = generated ? 'generated' : 'machine';
  container.append(diagram.element);
  const show = (value: StateValue) => {
    diagram.highlight(value);
    // For scripts and tests: which states the diagram shows as active.
    container.dataset.active = activePaths(value).join(' ');
  };
  show(actor.getSnapshot().value);
  actor.subscribe((snapshot) => show(snapshot.value));
  return diagram;
}

// ---- Fallback drawing, laid out from the machine definition -------------

const BOX_W = 250;
const BOX_H = 120;
const GAP_X = 170;
const GAP_Y = 120;
const PAD = 20;

function svgElement<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Top-level ancestor (below the root) of a state. */
function topLevel(node: StateNode, root: StateNode): StateNode {
  let current = node;
  while (current.parent && current.parent !== root) current = current.parent;
  return current;
}

/** Transitions between different top-level states, with their events merged per pair. */
function topLevelEdges(root: StateNode): Map<string, { from: StateNode; to: StateNode; events: Set<string> }> {
  const edges = new Map<string, { from: StateNode; to: StateNode; events: Set<string> }>();
  for (const state of allStates(root)) {
    const from = topLevel(state, root);
    for (const [type, definitions] of state.transitions) {
      for (const definition of definitions) {
        for (const target of definition.target ?? []) {
          const to = topLevel(target, root);
          if (to === from) continue;
          const key = `${from.key}->${to.key}`;
          const edge = edges.get(key) ?? { from, to, events: new Set<string>() };
          edge.events.add(eventLabel(type));
          edges.set(key, edge);
        }
      }
    }
  }
  return edges;
}

const LINE_HEIGHT = 13;
const MAX_LINES = 5;

function drawStateTree(root: StateNode): Diagram {
  const tops = Object.values(root.states);
  // Clockwise around two rows (top row left to right, bottom row right to
  // left), so the machine's usual cycle reads as a loop.
  const columns = Math.max(1, Math.ceil(tops.length / 2));
  const rows = tops.length > 1 ? 2 : 1;
  const cell = (index: number) => {
    const row = index < columns ? 0 : 1;
    const column = row === 0 ? index : 2 * columns - 1 - index;
    return { x: PAD + column * (BOX_W + GAP_X), y: PAD + 24 + row * (BOX_H + GAP_Y) };
  };
  const position = new Map(tops.map((node, index) => [node, cell(index)]));
  const width = PAD * 2 + columns * BOX_W + (columns - 1) * GAP_X;
  const height = PAD * 2 + 24 + rows * BOX_H + (rows - 1) * GAP_Y;
  const svg = svgElement('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${root.id} state machine` });
  const marker = svgElement('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svgElement('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }));
  const defs = svgElement('defs', {});
  defs.append(marker);
  svg.append(defs);
  const nodes = new Map<string, SVGGElement>();
  // Edges go on top of the boxes, so a label near a box stays readable.
  const edgeLayer = svgElement('g', { class: 'edges' });

  for (const edge of topLevelEdges(root).values()) {
    const a = position.get(edge.from);
    const b = position.get(edge.to);
    if (!a || !b) continue;
    const [x1, y1, x2, y2] = [a.x + BOX_W / 2, a.y + BOX_H / 2, b.x + BOX_W / 2, b.y + BOX_H / 2];
    // Each direction gets its own side, so A→B and B→A do not overlap.
    const length = Math.hypot(x2 - x1, y2 - y1) || 1;
    const [nx, ny] = [(-(y2 - y1) / length) * 12, ((x2 - x1) / length) * 12];
    const at = (t: number) => [x1 + (x2 - x1) * t + nx, y1 + (y2 - y1) * t + ny] as const;
    // Start and end where the line leaves the boxes.
    const t0 = Math.min((BOX_W / 2 + 6) / Math.max(Math.abs(x2 - x1), 1), (BOX_H / 2 + 6) / Math.max(Math.abs(y2 - y1), 1));
    const [sx, sy] = at(t0);
    const [ex, ey] = at(1 - t0);
    const group = svgElement('g', { class: 'edge', 'data-from': edge.from.key, 'data-to': edge.to.key });
    group.append(svgElement('line', { x1: sx, y1: sy, x2: ex, y2: ey, 'marker-end': 'url(#arrow)' }));
    // One event per line, beside the arrow on its own side; diagonals label
    // near their source so the two crossing in the middle stay apart.
    const diagonal = x1 !== x2 && y1 !== y2;
    const [lx, ly] = at(diagonal ? 0.36 : 0.5);
    const events = [...edge.events];
    const lines = events.length > MAX_LINES ? [...events.slice(0, MAX_LINES - 1), '…'] : events;
    const anchor = diagonal || Math.abs(nx) < 2 ? 'middle' : nx > 0 ? 'start' : 'end';
    const top = ly + (ny < -2 ? -(lines.length - 1) * LINE_HEIGHT - 4 : ny > 2 ? 12 : 4 - ((lines.length - 1) * LINE_HEIGHT) / 2);
    const text = svgElement('text', { x: lx + Math.sign(nx) * 4, y: top, 'text-anchor': anchor });
    lines.forEach((line, index) => text.append(svgElement('tspan', { x: lx + Math.sign(nx) * 4, dy: index === 0 ? 0 : LINE_HEIGHT }, line)));
    group.append(text, svgElement('title', {}, events.join('\n')));
    edgeLayer.append(group);
  }

  const initial = root.initial.target[0];
  const start = initial ? position.get(topLevel(initial, root)) : undefined;
  if (start) {
    svg.append(svgElement('circle', { cx: start.x + 24, cy: start.y - 20, r: 5, class: 'initial' }));
    svg.append(svgElement('line', { x1: start.x + 24, y1: start.y - 15, x2: start.x + 24, y2: start.y - 2, class: 'initial', 'marker-end': 'url(#arrow)' }));
  }

  for (const node of tops) {
    const at = position.get(node);
    if (!at) continue;
    const group = svgElement('g', { class: 'state', 'data-path': relativePath(node) });
    group.append(svgElement('rect', { x: at.x, y: at.y, width: BOX_W, height: BOX_H, rx: 14 }));
    group.append(svgElement('text', { x: at.x + BOX_W / 2, y: at.y + 28, 'text-anchor': 'middle', class: 'state-name' }, node.key));
    nodes.set(relativePath(node), group);
    const children = Object.values(node.states);
    children.forEach((child, index) => {
      const childWidth = (BOX_W - 20 - (children.length - 1) * 10) / children.length;
      const x = at.x + 10 + index * (childWidth + 10);
      const childGroup = svgElement('g', { class: 'state child', 'data-path': relativePath(child) });
      childGroup.append(svgElement('rect', { x, y: at.y + 52, width: childWidth, height: 44, rx: 10 }));
      childGroup.append(svgElement('text', { x: x + childWidth / 2, y: at.y + 79, 'text-anchor': 'middle' }, child.key));
      group.append(childGroup);
      nodes.set(relativePath(child), childGroup);
    });
    svg.append(group);
  }
  svg.append(edgeLayer);

  return {
    element: svg,
    highlight(value) {
      const active = new Set(activePaths(value));
      for (const [path, group] of nodes) group.classList.toggle('active', active.has(path));
    },
  };
}
