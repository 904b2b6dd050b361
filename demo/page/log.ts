/** The page's timestamped log of requests, 401s, refreshes, replays and state changes. */

export type LogKind = 'request' | 'ok' | 'unauthorized' | 'error' | 'refresh' | 'refreshed' | 'replay' | 'state' | 'note';

export interface DemoLog {
  add(kind: LogKind, text: string): void;
  clear(): void;
}

const MAX_ENTRIES = 500;

function timestamp(date: Date): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function createDomLog(list: HTMLOListElement): DemoLog {
  return {
    add(kind, text) {
      const item = document.createElement('li');
      item.className = `log-${kind}`;
      item.dataset.kind = kind;
      const time = document.createElement('time');
      time.textContent = timestamp(new Date());
      item.append(time, ` ${text}`);
      list.prepend(item);
      // Newest first; old lines go so a "fire 50" loop cannot grow the page without bound.
      while (list.children.length > MAX_ENTRIES) list.lastElementChild?.remove();
    },
    clear() {
      list.replaceChildren();
    },
  };
}
