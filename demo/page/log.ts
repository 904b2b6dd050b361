/**
 * The page's timestamped log of requests, 401s, refreshes, replays and state changes. Refresh and
 * state lines are also pinned above it, so a burst of requests cannot push them out of sight.
 */

export type LogKind =
  'request' | 'ok' | 'unauthorized' | 'replayed' | 'error' | 'refresh' | 'refreshed' | 'replay' | 'state' | 'note';

/** A line already written; a later event can rewrite it (a 401 that turned out to be replayed). */
export interface LogLine {
  update(kind: LogKind, text: string): void;
}

export interface DemoLog {
  add(kind: LogKind, text: string): LogLine;
  clear(): void;
}

const MAX_ENTRIES = 500;
const PINNED_KINDS = new Set<LogKind>(['refresh', 'refreshed', 'state']);
const MAX_PINNED = 3;

function timestamp(date: Date): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function lineElement(kind: LogKind, text: string, time: string): HTMLLIElement {
  const item = document.createElement('li');
  item.className = `log-${kind}`;
  item.dataset.kind = kind;
  item.append(Object.assign(document.createElement('time'), { textContent: time }), ` ${text}`);
  return item;
}

/** Newest first; old lines go so a "fire 50" loop cannot grow the page without bound. */
function prepend(list: HTMLOListElement, item: HTMLLIElement, max: number): void {
  list.prepend(item);
  while (list.children.length > max) list.lastElementChild?.remove();
}

export function createDomLog(list: HTMLOListElement, pinned?: HTMLOListElement): DemoLog {
  return {
    add(kind, text) {
      const time = timestamp(new Date());
      let item = lineElement(kind, text, time);
      prepend(list, item, MAX_ENTRIES);
      if (pinned && PINNED_KINDS.has(kind)) prepend(pinned, lineElement(kind, text, time), MAX_PINNED);
      return {
        update(newKind, newText) {
          const replacement = lineElement(newKind, newText, time);
          item.replaceWith(replacement);
          item = replacement;
        },
      };
    },
    clear() {
      list.replaceChildren();
      pinned?.replaceChildren();
    },
  };
}
