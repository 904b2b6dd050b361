import type { TokenSet } from '../../domain/tokens.js';
import { copyHeaders } from './headerRecord.js';
import type { Exchange } from './answer.js';
import type { AuthGate } from './authGate.js';
import { authorizeThen, sentMethod } from '../session/scheme.js';

export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** What a fetch-shaped adapter (fetch, ky) sends with and how it reads a refusal. */
export interface FetchAdapter {
  readonly gate: AuthGate;
  readonly send: FetchLike;
  readonly refused: (response: Response) => boolean;
}

/**
 * One authorized request of a fetch-shaped adapter, sent (and sent again) with a token on a copy
 * of its headers. A URL stays a URL with its init, so fetch builds the one Request it always
 * builds (copying Requests costs more than the rest of a call); a Request is sent as a copy,
 * and each send keeps a copy of the body for the next one, so a retry and then a replay both
 * send it intact. A class, not a literal: the hot path allocates no closure it does not need.
 */
export class FetchRequest implements Exchange<Response> {
  // Declared, not class fields: the constructor alone sets them (no field definitions emitted).
  declare readonly gate: AuthGate;
  declare readonly refused: (response: Response) => boolean;
  declare private readonly fetch: FetchLike;
  declare private input: Request | string | URL;
  /** Its method and headers: the init of a URL, the Request itself (its headers outlive its body). */
  declare private readonly init: RequestInit | Request | undefined;
  declare readonly url: URL;
  declare readonly signal: AbortSignal | undefined;

  constructor(
    { gate, send, refused }: FetchAdapter,
    input: Request | string | URL,
    init: RequestInit | Request | undefined,
    url: URL,
    signal: AbortSignal | undefined,
  ) {
    this.gate = gate;
    this.refused = refused;
    this.fetch = send;
    this.input = input;
    this.init = init;
    this.url = url;
    this.signal = signal;
  }

  describe(response: Response) {
    return { status: response.status, url: this.url, headers: response.headers };
  }

  discard(response: Response): void {
    void response.body?.cancel().catch(() => undefined);
  }

  /** Sends at once with `tokens`, authorized right before it leaves (a signed proof stays fresh). */
  send(tokens: TokenSet): Promise<Response> {
    const { input, init } = this;
    if (input instanceof Request && input.body) this.input = input.clone();
    const headers = copyHeaders(init?.headers);
    const value = headers instanceof Headers ? headers : headers.value;
    return authorizeThen(this.gate.scheme, { method: sentMethod(init?.method), url: this.url, headers }, tokens, () =>
      input instanceof Request
        ? this.fetch(new Request(input, { headers: value }))
        : // `init` is a plain RequestInit (a Request input takes the branch above).
          // eslint-disable-next-line @typescript-eslint/no-misused-spread -- see above
          this.fetch(input, { ...init, headers: value }),
    );
  }

  resend(tokens: TokenSet): Promise<Response> {
    return this.gate.inReplaySlot(() => this.send(tokens), this.signal);
  }
}

/** The fetch-shaped request for a Request (which keeps its body for every send). */
export const requestOf = (adapter: FetchAdapter, request: Request): FetchRequest =>
  new FetchRequest(adapter, request, request, new URL(request.url), request.signal);
