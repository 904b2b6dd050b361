// User code for docs/streams.md, as an app would write it; test/sse.test.ts runs it.
// --- snippet: sse ---
import type { AuthSession, SessionEndError } from 'tokenflight';
import { createAuthEventSource } from 'tokenflight/sse';

/** Server-sent events from `url` (your API's) with the session's token, until the session ends. */
export function listen(
  session: AuthSession,
  url: string,
  onMessage: (data: string) => void,
  onEnd: (error: SessionEndError) => void, // expired or logged out: the stream is closed
) {
  const source = createAuthEventSource(session, url, { origins: [new URL(url).origin], onError: onEnd });
  source.addEventListener('message', (event) => onMessage(event.data));
  return source;
}
// --- end of snippet ---
