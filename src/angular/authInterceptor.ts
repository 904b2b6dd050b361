import {
  HttpContextToken,
  HttpErrorResponse,
  HttpEventType,
  type HttpResponse,
  type HttpEvent,
  type HttpHandlerFn,
  type HttpInterceptorFn,
  type HttpRequest,
  type HttpResponseBase,
} from '@angular/common/http';
import { Observable } from 'rxjs';
import { isStatus401, settle, type Exchange } from '../adapter-core/answer.js';
import { createAuthGate, grantFrom, targetUrl, type AdapterOptions, type AuthGate } from '../adapter-core/authGate.js';
import { pageBase } from '../adapter-core/origins.js';
import { authorizeThen } from '../session/scheme.js';
import type { AuthSession } from '../session/createAuthSession.js';
import type { TokenSet } from '../../domain/tokens.js';

export interface AngularAuthOptions extends AdapterOptions {
  /** Narrows which requests to allowed origins get a token; it can never widen the allow-list. */
  shouldAuthorize?: (request: HttpRequest<unknown>) => boolean;
  /** What counts as "the token was refused". Default: status 401. */
  isUnauthorized?: (response: HttpResponseBase) => boolean;
}

/**
 * `context: new HttpContext().set(SKIP_TOKENFLIGHT, true)` sends a request untouched: no token, no
 * 401 handling. Put it on the refresh call.
 */
export const SKIP_TOKENFLIGHT = new HttpContextToken<boolean>(() => false);

/** The final answer of one send: the response, or what HttpClient failed with (a 401 arrives as an error). */
type Outcome = { response: HttpResponse<unknown> } | { error: unknown };

const answerOf = (outcome: Outcome): HttpResponseBase | undefined => {
  if ('response' in outcome) return outcome.response;
  // Status 0 is a network error, which has no answer to read.
  return outcome.error instanceof HttpErrorResponse && outcome.error.status !== 0 ? outcome.error : undefined;
};

/** Collects the headers a scheme sets; HttpHeaders are immutable, so they go on a clone. */
function headerCollector(): { set(name: string, value: string): void; value: Record<string, string> } {
  const value: Record<string, string> = {};
  return {
    value,
    set(name, text) {
      value[name] = text;
    },
  };
}

interface Sending {
  readonly gate: AuthGate;
  readonly isUnauthorized: (response: HttpResponseBase) => boolean;
  readonly next: HttpHandlerFn;
  /** Passes on what a send reports before its answer (Sent, progress). */
  readonly report: (event: HttpEvent<unknown>) => void;
  readonly signal: AbortSignal;
}

/** One authorized request through the rest of the chain, sent (and sent again) on a clone with the token. */
class AngularExchange implements Exchange<Outcome> {
  constructor(
    private readonly sending: Sending,
    private readonly request: HttpRequest<unknown>,
    private readonly url: URL,
  ) {}

  get gate(): AuthGate {
    return this.sending.gate;
  }

  get signal(): AbortSignal {
    return this.sending.signal;
  }

  refused(outcome: Outcome): boolean {
    const answer = answerOf(outcome);
    return answer !== undefined && this.sending.isUnauthorized(answer);
  }

  describe(outcome: Outcome) {
    const answer = answerOf(outcome);
    if (!answer) return null;
    // Several WWW-Authenticate headers are read as one, joined as fetch joins them.
    const get = (name: string) => answer.headers.getAll(name)?.join(', ') ?? null;
    return { status: answer.status, url: this.url, headers: { get } };
  }

  discard(): void {
    // HttpClient has read the body already.
  }

  /** Sends at once with `tokens`, authorized right before it leaves (a signed proof stays fresh). */
  send(tokens: TokenSet): Promise<Outcome> {
    const headers = headerCollector();
    const { method } = this.request;
    return Promise.resolve(
      authorizeThen(this.gate.scheme, { method, url: this.url, headers }, tokens, () =>
        this.through(this.request.clone({ setHeaders: headers.value })),
      ),
    );
  }

  resend(tokens: TokenSet): Promise<Outcome> {
    return this.gate.inReplaySlot(() => this.send(tokens), this.signal);
  }

  /** The rest of the chain as a promise of its final answer; settles when the caller unsubscribes too. */
  private through(request: HttpRequest<unknown>): Promise<Outcome> {
    const { next, report, signal } = this.sending;
    return new Promise<Outcome>((resolve) => {
      const settleWith = (outcome: Outcome) => {
        signal.removeEventListener('abort', abort);
        resolve(outcome);
      };
      const subscription = next(request).subscribe({
        next(event) {
          if (event.type === HttpEventType.Response) settleWith({ response: event });
          else report(event);
        },
        error: (error: unknown) => settleWith({ error }),
        complete: () => settleWith({ error: new Error('tokenflight: the request completed without a response') }),
      });
      // Unsubscribing stops the request; its slot and its caller's wait end with it.
      function abort() {
        subscription.unsubscribe();
        settleWith({ error: signal.reason });
      }
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
    });
  }
}

/**
 * An `HttpInterceptorFn` with the fetch adapter's semantics: the token only for allowed origins
 * (request URLs resolved against the page), one refresh for any number of concurrent 401s, one
 * replay with the new token, typed errors when the session ends. Unsubscribing cancels the
 * request, also while it waits for a token or a replay slot.
 */
export function createAuthInterceptor(session: AuthSession, options: AngularAuthOptions = {}): HttpInterceptorFn {
  const gate = createAuthGate(session, options);
  const shouldAuthorize = options.shouldAuthorize ?? (() => true);
  const isUnauthorized = options.isUnauthorized ?? isStatus401;

  return (request, next) => {
    if (request.context.get(SKIP_TOKENFLIGHT)) return next(request);
    const url = targetUrl(request.urlWithParams, pageBase());
    if (url === null || !gate.covers(url) || !shouldAuthorize(request)) return next(request);
    return new Observable<HttpEvent<unknown>>((subscriber) => {
      const controller = new AbortController();
      const sending: Sending = {
        gate,
        isUnauthorized,
        next,
        report: (event) => subscriber.next(event),
        signal: controller.signal,
      };
      const exchange = new AngularExchange(sending, request, url);
      const answered = async (): Promise<Outcome> => {
        const grant = await grantFrom(gate, controller.signal);
        const first = await (grant.replay ? exchange.resend(grant.tokens) : exchange.send(grant.tokens));
        return settle(exchange, first, grant.tokens);
      };
      answered().then(
        (outcome) => {
          if ('response' in outcome) {
            subscriber.next(outcome.response);
            subscriber.complete();
          } else subscriber.error(outcome.error);
        },
        (error: unknown) => subscriber.error(error),
      );
      return () => controller.abort(new DOMException('The request was cancelled', 'AbortError'));
    });
  };
}
