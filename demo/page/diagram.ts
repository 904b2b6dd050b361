/**
 * The session machine's overview, `visualizations/authSession.overview.svg` (served as
 * /diagram-overview.svg), with the active states lit; click a state for its details, listed from
 * the machine itself (./details.ts). The SVG keeps Graphviz's own fonts: the page's CSS only
 * colours shapes.
 */
import type { StateValue } from 'xstate';
import type { AuthSessionActor } from '../../src/machine/index.js';
import { showDetails } from './details.js';

type StateNode = AuthSessionActor['logic']['root'];

/** 'loggedOut' → ['loggedOut']; { idle: 'waiting' } → ['idle', 'idle.waiting']. */
export function activePaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value];
  return Object.entries(value).flatMap(([key, child]) => [
    prefix + key,
    ...(child === undefined ? [] : activePaths(child, `${prefix}${key}.`)),
  ]);
}

function allStates(node: StateNode): StateNode[] {
  return Object.values(node.states).flatMap((child) => [child, ...allStates(child)]);
}

/**
 * What to light for each state path: a top-level state's node group (its title is the state id),
 * and for each of its children the cell Graphviz drew for the child's name inside that node.
 */
function litElements(svg: Element, root: StateNode): Map<string, Element[]> {
  const byId = new Map(allStates(root).map((node) => [node.id, node]));
  const lit = new Map<string, Element[]>();
  for (const group of svg.querySelectorAll('g.node')) {
    const state = byId.get(group.querySelector('title')?.textContent.trim() ?? '');
    if (!state) continue;
    lit.set(state.path.join('.'), [group]);
    group.setAttribute('data-path', state.path.join('.'));
    for (const child of Object.values(state.states)) {
      const text = [...group.querySelectorAll('text')].find((element) => element.textContent === child.key);
      const cell = text?.previousElementSibling;
      if (text) lit.set(child.path.join('.'), cell?.tagName === 'polygon' ? [text, cell] : [text]);
    }
  }
  return lit;
}

async function loadOverview(): Promise<Element | null> {
  const response = await fetch('/diagram-overview.svg').catch(() => null);
  if (!response?.ok) return null;
  const parsed = new DOMParser().parseFromString(await response.text(), 'image/svg+xml').documentElement;
  return parsed.nodeName === 'svg' ? document.importNode(parsed, true) : null;
}

/** Shows the overview in `container` and the clicked state's details in `details`. */
export async function showDiagram(
  container: HTMLElement,
  details: HTMLElement,
  actor: AuthSessionActor,
): Promise<void> {
  const root = actor.logic.root;
  const svg = await loadOverview();
  if (!svg) {
    container.textContent = 'No diagram yet: run `npm run visualize`.';
    return;
  }
  // Scales down to the card; never above its natural size, so its type stays as generated.
  svg.setAttribute('style', `max-width: ${svg.getAttribute('width') ?? '100%'}`);
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  container.append(svg);
  const lit = litElements(svg, root);

  const select = (path: string) => {
    for (const group of svg.querySelectorAll('g.node'))
      group.classList.toggle('selected', group.getAttribute('data-path') === path);
    showDetails(details, actor.logic, path);
  };
  svg.addEventListener('click', (event) => {
    const path = (event.target as Element).closest('g.node')?.getAttribute('data-path');
    if (path) select(path);
  });

  const show = (value: StateValue) => {
    const active = new Set(activePaths(value));
    for (const [path, elements] of lit)
      for (const element of elements) element.classList.toggle('active', active.has(path));
    // For scripts and tests: which states the diagram shows as active.
    container.dataset.active = [...active].join(' ');
  };
  show(actor.getSnapshot().value);
  actor.subscribe((snapshot) => show(snapshot.value));
}
