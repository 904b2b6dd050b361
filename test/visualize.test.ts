import { instance } from '@viz-js/viz';
import { describe, expect, it } from 'vitest';
import { fromPromise, setup, type AnyStateNode } from 'xstate';
import { authSessionMachine } from 'tokenflight/machine';
import {
  describeMachine,
  overviewGraph,
  transitionLabel,
  triggerLabel,
  type TransitionInfo,
} from '../scripts/visualize/machineGraph.js';
import { toDot } from '../scripts/visualize/toDot.js';
import { mermaidId, toMermaid } from '../scripts/visualize/toMermaid.js';
import { embedMermaid, MERMAID_END, MERMAID_START } from '../scripts/visualize/embed.js';

/** A small machine with one of every feature the converter handles. */
const sample = setup({
  types: { events: {} as { type: 'GO' } | { type: 'STOP' } | { type: 'PING' } | { type: 'A&<B>' } },
  actors: { load: fromPromise(async () => 1) },
  guards: { isReady: () => true, canRetry: () => false },
  actions: { log: () => {}, note: () => {} },
  delays: { soon: 10 },
}).createMachine({
  id: 'sample',
  initial: 'off',
  on: { PING: { actions: 'log' } },
  states: {
    off: {
      on: {
        GO: { target: 'on', guard: 'isReady', actions: ['log', 'note'] },
        'A&<B>': { target: 'on' },
      },
    },
    on: {
      initial: 'loading',
      on: { STOP: 'off', GO: { target: 'on', reenter: true } },
      after: { soon: { target: 'off', guard: 'canRetry' } },
      states: {
        loading: {
          invoke: { src: 'load', onDone: 'ready', onError: { target: '#sample.off', actions: 'log' } },
          after: { 500: 'ready' },
        },
        ready: { always: { target: 'loading', guard: 'canRetry' } },
      },
    },
  },
});

function find(transitions: TransitionInfo[], source: string, trigger: string): TransitionInfo {
  const found = transitions.find((t) => t.source === source && t.trigger === trigger);
  if (!found) throw new Error(`no transition ${trigger} from ${source}`);
  return found;
}

describe('describeMachine', () => {
  const graph = describeMachine(sample);

  it('keeps the state tree with initial states and invoked actors', () => {
    expect(graph.root.id).toBe('sample');
    expect(graph.root.initial).toBe('sample.off');
    expect(graph.root.children.map((s) => s.key)).toEqual(['off', 'on']);
    const on = graph.root.children[1]!;
    expect(on.type).toBe('compound');
    expect(on.initial).toBe('sample.on.loading');
    expect(on.children.map((s) => [s.key, s.invokes])).toEqual([
      ['loading', ['load']],
      ['ready', []],
    ]);
  });

  it('names every kind of trigger: event, after (named and in ms), onDone, onError, always', () => {
    const t = graph.transitions;
    expect(find(t, 'sample.off', 'GO')).toMatchObject({
      kind: 'event',
      target: 'sample.on',
      guard: 'isReady',
      actions: ['log', 'note'],
    });
    expect(find(t, 'sample.on', 'soon')).toMatchObject({ kind: 'after', target: 'sample.off', guard: 'canRetry' });
    expect(find(t, 'sample.on.loading', '500ms')).toMatchObject({ kind: 'after', target: 'sample.on.ready' });
    expect(t.filter((x) => x.trigger === 'load').map((x) => [x.kind, x.target])).toEqual([
      ['done', 'sample.on.ready'],
      ['error', 'sample.off'],
    ]);
    expect(find(t, 'sample.on.ready', 'always')).toMatchObject({ kind: 'always', target: 'sample.on.loading' });
  });

  it('tells targetless transitions from re-entering ones', () => {
    expect(find(graph.transitions, 'sample', 'PING')).toMatchObject({ target: null, actions: ['log'] });
    const reenter = graph.transitions.find((t) => t.source === 'sample.on' && t.trigger === 'GO');
    expect(reenter).toMatchObject({ target: 'sample.on', reenter: true });
  });

  it('labels transitions as `trigger [guard] / actions`', () => {
    const t = graph.transitions;
    expect(transitionLabel(find(t, 'sample.off', 'GO'))).toBe('GO [isReady] / log, note');
    expect(triggerLabel(find(t, 'sample.on', 'soon'))).toBe('after soon [canRetry]');
    expect(transitionLabel(t.find((x) => x.kind === 'error')!)).toBe('onError load / log');
    expect(transitionLabel(t.find((x) => x.kind === 'done')!)).toBe('onDone load');
  });
});

describe('overviewGraph', () => {
  const overview = overviewGraph(describeMachine(sample));

  it('keeps the top-level states, a composite one as a box naming its children', () => {
    expect(overview.root.children.map((s) => [s.key, s.children.length, s.substates])).toEqual([
      ['off', 0, undefined],
      ['on', 0, ['loading', 'ready']],
    ]);
  });

  it('keeps each trigger between two top-level states once, without guards and actions', () => {
    const lines = overview.transitions.map((t) => `${t.source} -> ${t.target}: ${transitionLabel(t)}`);
    expect(lines.sort()).toEqual([
      'sample.off -> sample.on: A&<B>',
      'sample.off -> sample.on: GO',
      'sample.on -> sample.off: STOP',
      'sample.on -> sample.off: after soon',
      'sample.on -> sample.off: onError load',
    ]);
  });

  it('draws the children as named cells inside their parent', () => {
    const dot = toDot(overview);
    expect(dot).toContain('"sample.on" [label=<');
    expect(dot).toMatch(/<td><font[^>]*>loading<\/font><\/td><td><font[^>]*>ready<\/font><\/td>/);
    expect(dot).not.toContain('cluster_');
  });
});

describe('toMermaid', () => {
  const graph = describeMachine(sample);
  const mermaid = toMermaid(graph, ['made by a test']);
  const lines = mermaid.split('\n').map((line) => line.trim());

  it('is a stateDiagram-v2 with its header as comments and the initial state', () => {
    expect(lines[0]).toBe('stateDiagram-v2');
    expect(lines[1]).toBe('%% made by a test');
    expect(lines).toContain('[*] --> off');
  });

  it('writes nested states inside their composite block, with its initial state', () => {
    const start = lines.indexOf('state on {');
    const end = lines.indexOf('}', start);
    expect(start).toBeGreaterThan(0);
    const block = lines.slice(start, end);
    expect(block).toContain('[*] --> on_loading');
    expect(block).toContain('state "loading" as on_loading');
    expect(block).toContain('on_loading : invoke load');
    expect(block).toContain('on_loading --> on_ready : onDone load');
    expect(block).toContain('on_ready --> on_loading : always [canRetry]');
  });

  it('writes transitions that cross a composite border before the blocks, so Mermaid keeps each state in its block', () => {
    const crossing = lines.indexOf('on_loading --> off : onError load / log');
    expect(crossing).toBeGreaterThan(0);
    expect(crossing).toBeLessThan(lines.indexOf('state on {'));
    expect(lines).toContain('off --> on : GO [isReady] / log, note');
    expect(lines).toContain('on --> on : GO');
  });

  it('puts transitions the machine handles in every state into a note', () => {
    const note = lines.indexOf('note right of off');
    expect(lines.slice(note, note + 4)).toEqual(['note right of off', 'In every state:', 'PING / log', 'end note']);
  });

  it('keeps labels on one line without the characters Mermaid reads specially', () => {
    expect(lines).toContain('off --> on : A&‹B›');
    expect(mermaidId(graph, 'sample.on.loading')).toBe('on_loading');
  });
});

describe('toDot', () => {
  const dot = toDot(describeMachine(sample), ['made by a test']);

  it('draws composite states as clusters with an initial point', () => {
    expect(dot).toContain('subgraph "cluster_sample.on" {');
    expect(dot).toContain('"sample.on#initial" -> "sample.on.loading";');
    expect(dot).toContain('"sample#initial" -> "sample.off";');
  });

  it('attaches edges to and from a composite state at its border, through a label node that stays outside the cluster', () => {
    expect(dot).toMatch(
      /"sample\.off" -> "label#\d+" \[arrowhead=none\];\n\s*"label#\d+" -> "sample\.on#initial" \[lhead="cluster_sample\.on"\]/,
    );
    expect(dot).toMatch(
      /"sample\.on#initial" -> "label#\d+" \[arrowhead=none, ltail="cluster_sample\.on"\];\n\s*"label#\d+" -> "sample\.off";/,
    );
  });

  it('draws one edge per pair of states, one line per transition, guards below their trigger', () => {
    const offToOn = dot.split('\n').filter((line) => line.includes('"sample.off" -> "label#'));
    expect(offToOn).toHaveLength(1);
    const labelNode = /-> ("label#\d+")/.exec(offToOn[0]!)![1]!;
    const label = dot.split('\n').find((line) => line.trim().startsWith(`${labelNode} [`));
    expect(label).toContain('GO<br/><font color="#52606d">[isReady]</font><br/>A&amp;&lt;B&gt;');
  });

  it('keeps the label on the edge between two atomic states', () => {
    expect(dot).toMatch(/"sample\.on\.loading" -> "sample\.on\.ready" \[label=<onDone load<br\/>after 500ms>\];/);
  });

  it('lists targetless and re-entering transitions inside the state', () => {
    expect(dot).toContain('GO (re-enter)');
    expect(dot).toContain('in every state: PING / log');
    expect(dot).not.toMatch(/"sample\.on#initial" -> "sample\.on#initial"/);
  });

  it('is DOT that Graphviz renders, every state name in the picture', async () => {
    const viz = await instance();
    const result = viz.render(dot, { format: 'svg' });
    expect(result.status).toBe('success');
    expect(result.errors.filter((e) => e.level === 'error')).toEqual([]);
    for (const name of ['off', 'on', 'loading', 'ready']) expect(result.output).toContain(`>${name}</text>`);
  });
});

/** Transitions counted straight from the machine's state nodes, without the converter. */
function countTransitions(node: AnyStateNode): number {
  let count = 0;
  for (const list of node.transitions.values()) count += list.length;
  count += node.always?.length ?? 0;
  for (const child of Object.values(node.states)) count += countTransitions(child);
  return count;
}

describe('the auth session machine, drawn', () => {
  const graph = describeMachine(authSessionMachine);
  const mermaid = toMermaid(graph);

  it('has every state, nested ones too', () => {
    for (const id of [
      'loggedOut',
      'idle',
      'idle_waiting',
      'idle_checking',
      'refreshing',
      'refreshing_requesting',
      'refreshing_backingOff',
      'expired',
    ]) {
      expect(mermaid).toMatch(new RegExp(`^\\s*state ("\\w+" as )?${id}\\b`, 'm'));
    }
  });

  it('has a Mermaid line for every transition of the machine', () => {
    const edges = mermaid.split('\n').filter((line) => / --> /.test(line) && !line.includes('[*]'));
    const noteLines = graph.transitions.filter((t) => t.source === graph.root.id && t.target === null).length;
    expect(edges.length + noteLines).toBe(countTransitions(authSessionMachine.root));
  });

  it('labels delays, guards and invoked actors by name', () => {
    expect(mermaid).toContain('idle --> refreshing : after refreshDue [refreshesAhead]');
    expect(mermaid).toContain('idle --> idle : UNAUTHORIZED [isStale] / answerNow');
    expect(mermaid).toContain('refreshing_requesting --> expired : onError refresh [isTerminalError]');
    expect(mermaid).toContain('refreshing_backingOff --> refreshing_requesting : after retryDelay');
  });
});

describe('embedMermaid', () => {
  it('replaces what is between the markers, and only that', () => {
    const markdown = `# Title\n\n${MERMAID_START}\nold stuff\n${MERMAID_END}\n\nafter\n`;
    const embedded = embedMermaid(markdown, 'stateDiagram-v2\n  a --> b\n');
    expect(embedded).toBe(
      `# Title\n\n${MERMAID_START}\n\n\`\`\`mermaid\nstateDiagram-v2\n  a --> b\n\`\`\`\n\n${MERMAID_END}\n\nafter\n`,
    );
    expect(embedMermaid(embedded!, 'stateDiagram-v2\n  a --> b\n')).toBe(embedded);
  });

  it('leaves files without markers alone', () => {
    expect(embedMermaid('# no markers here\n', 'stateDiagram-v2\n')).toBeNull();
    expect(embedMermaid(`${MERMAID_END}\n${MERMAID_START}\n`, 'x')).toBeNull();
  });
});
