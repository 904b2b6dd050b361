/** The result panel: what every request of a scenario got, and the refreshes the server counted. */
import type { Outcome, ScenarioResult } from './cases.js';

const SHOWN_OUTCOMES = 4;

/** ok: a 2xx; expected: a refusal the scenario is about; failed: anything else. */
function verdict(outcome: Outcome): 'ok' | 'expected' | 'failed' {
  if (typeof outcome.result === 'number' && outcome.result >= 200 && outcome.result < 300) return 'ok';
  return outcome.expected ? 'expected' : 'failed';
}

const paragraph = (className: string, text: string) =>
  Object.assign(document.createElement('p'), { className, textContent: text });

export function renderResult(box: HTMLElement, result: ScenarioResult, explain = ''): void {
  const counts = new Map<string, number>();
  for (const { result: value } of result.outcomes) counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
  const heading = Object.assign(document.createElement('h3'), { textContent: result.title });
  const plural = result.outcomes.length === 1 ? '' : 's';
  const summary = paragraph(
    'summary',
    `${result.outcomes.length} request${plural}: ${[...counts].map(([value, count]) => `${count} × ${value}`).join(', ')}`,
  );
  const refreshes = paragraph('refreshes', `refreshes at the server: ${result.refreshes} · session: ${result.status}`);
  refreshes.dataset.refreshes = String(result.refreshes);
  const list = document.createElement('ul');
  list.className = 'outcomes';
  for (const outcome of result.outcomes.slice(0, SHOWN_OUTCOMES)) {
    const item = Object.assign(document.createElement('li'), { textContent: `${outcome.path} → ${outcome.result}` });
    item.dataset.verdict = verdict(outcome);
    list.append(item);
  }
  const more = result.outcomes.length - SHOWN_OUTCOMES;
  if (more > 0) list.append(Object.assign(document.createElement('li'), { textContent: `… ${more} more` }));
  box.replaceChildren(heading, paragraph('note', explain), summary, refreshes, list);
  box.dataset.title = result.title;
}
