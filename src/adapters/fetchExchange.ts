import type { TokenSet } from '../../domain/tokens.js';
import { copyHeaders } from '../fetch/headerRecord.js';
import type { AnswerReader, SentRequest } from './answer.js';
import { sendInSlot, type AuthGate, type Grant } from './authGate.js';
import { authorizeThen, sentMethod } from './scheme.js';

export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** How a fetch-shaped adapter (fetch, ky) talks to the network and reads the answer. */
export interface FetchExchange extends AnswerReader<Response> {
  send: FetchLike;
}

export function fetchExchange(gate: AuthGate, send: FetchLike, isUnauthorized: (response: Response) => boolean): FetchExchange {
  return {
    gate,
    send,
    refused: isUnauthorized,
    describe: (response, url) => ({ status: response.status, url, headers: response.headers }),
    discard(response) {
      void response.body?.cancel().catch(() => undefined);
    },
  };
}

/**
 * One authorized request of a fetch-shaped adapter, sent (and sent again) with a token on a copy
 * of its headers. A URL stays a URL with its init, so fetch builds the one Request it always
 * builds (copying Requests costs more than the rest of a call); a Request is sent as a copy,
 * and each send keeps a copy of the body for the next one, so a retry and then a replay both
 * send it intact. A class, not a literal: the hot path allocates no closure it does not need.
 */
export class FetchRequest implements SentRequest<Response> {
  // Declared, not class fields: the constructor alone sets them (no field definitions emitted).
  declare readonly exchange: FetchExchange;
  declare private input: Request | string | URL;
  /** Its method and headers: the init of a URL, the Request itself (its headers outlive its body). */
  declare private readonly init: RequestInit | Request | undefined;
  declare readonly url: URL;
  declare readonly signal: AbortSignal | undefined;

  constructor(exchange: FetchExchange, input: Request | string | URL, init: RequestInit | Request | undefined, url: URL, signal: AbortSignal | undefined) {
    this.exchange = exchange;
    this.input = input;
    this.init = init;
    this.url = url;
    this.signal = signal;
  }

  /** Sends at once with `tokens`, authorized right before it leaves (a signed proof stays fresh). */
  send(tokens: TokenSet): Promise<Response> {
    const { exchange, input, init } = this;
    if (input instanceof Request && input.body) this.input = input.clone();
    const headers = copyHeaders(init?.headers);
    const value = headers instanceof Headers ? headers : headers.value;
    return authorizeThen(exchange.gate.scheme, { method: sentMethod(init?.method), url: this.url, headers }, tokens, () =>
      input instanceof Request ? exchange.send(new Request(input, { headers: value })) : exchange.send(input, { ...init, headers: value }),
    );
  }

  resend(grant: Grant): Promise<Response> {
    return sendInSlot(this.exchange.gate, grant, () => this.send(grant.tokens), this.signal);
  }
}

/** The fetch-shaped request for a Request (which keeps its body for every send). */
export const requestOf = (exchange: FetchExchange, request: Request): FetchRequest =>
  new FetchRequest(exchange, request, request, new URL(request.url), request.signal);
