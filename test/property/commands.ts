import fc from 'fast-check';
import { vi } from 'vitest';
import { RefreshRejectedError } from 'tokenflight';
import { liveCalls } from '../support/heldCall.js';
import { API, ELSEWHERE, ServerUnavailableError, settings, type SessionWorld } from './sessionWorld.js';

/** Lets settled promises reach the session before the next command (setImmediate is not faked). */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

type Model = { commands: number };

/** One step of a run: does something to the world, then every invariant is checked. */
abstract class Step implements fc.AsyncCommand<Model, SessionWorld> {
  check(): boolean {
    return true;
  }
  async run(model: Model, world: SessionWorld): Promise<void> {
    model.commands++;
    await this.act(world);
    await flush();
    world.check();
    if (world.violations.length > 0) throw new Error(`after ${this.toString()}: ${world.violations.join('; ')}`);
  }
  protected abstract act(world: SessionWorld): Promise<void> | void;
  abstract toString(): string;
}

class Login extends Step {
  async act(world: SessionWorld) {
    const { accessToken, refreshToken, expiresIn } = await world.backend.login('ada');
    world.loggedOut = false;
    world.session.login({ accessToken, refreshToken, expiresIn });
  }
  toString = () => 'login';
}

class Logout extends Step {
  act(world: SessionWorld) {
    world.backend.logout(world.session.tokens?.refreshToken);
    world.session.logout();
    world.loggedOut = true;
  }
  toString = () => 'logout';
}

class GetToken extends Step {
  act(world: SessionWorld) {
    world.track('getToken()', world.session.getToken());
  }
  toString = () => 'getToken';
}

class ExplicitRefresh extends Step {
  act(world: SessionWorld) {
    world.track('refresh()', world.session.refresh());
  }
  toString = () => 'refresh';
}

/** A 401 for the token held now, or for one replaced since (stale: answered without a refresh). */
class Unauthorized extends Step {
  constructor(readonly stale: boolean) {
    super();
  }
  act(world: SessionWorld) {
    const current = world.session.tokens?.accessToken;
    const older = world.heldAccessTokens.filter((token) => token !== current);
    const used = this.stale ? (older.at(-1) ?? 'never-held') : (current ?? 'never-held');
    world.track(`unauthorized(${this.stale ? 'stale' : 'fresh'})`, world.session.unauthorized(used));
  }
  toString = () => `unauthorized(${this.stale ? 'stale' : 'fresh'})`;
}

/** A request through the fetch adapter; the bound covers one wait for a token and one after the 401. */
class Fetch extends Step {
  constructor(
    readonly origin: string,
    readonly path: string,
  ) {
    super();
  }
  act(world: SessionWorld) {
    world.track(
      `fetch ${this.origin}${this.path}`,
      world.authFetch(`${this.origin}${this.path}`),
      2 * settings.waitTimeout,
    );
  }
  toString = () => `fetch(${this.origin}${this.path})`;
}

/** The server expires every access token: the next protected request gets a fresh 401. */
class ExpireAccessTokens extends Step {
  act(world: SessionWorld) {
    world.backend.expireAccessTokens();
  }
  toString = () => 'server expires access tokens';
}

type RefreshOutcome = 'ok' | 'rejected' | 'transient' | 'hang';

/** The token endpoint answers the refresh in flight (if any). */
class AnswerRefresh extends Step {
  constructor(readonly outcome: RefreshOutcome) {
    super();
  }
  async act(world: SessionWorld) {
    const call = liveCalls(world.refreshCalls).find((candidate) => !candidate.hanging);
    if (!call) return;
    if (this.outcome === 'hang') {
      call.hanging = true;
      return;
    }
    if (this.outcome === 'transient') {
      call.reject(new ServerUnavailableError('token endpoint unavailable'));
      return;
    }
    if (call.input !== null) world.answeredRefreshTokens.add(call.input);
    if (this.outcome === 'rejected') {
      call.reject(new RefreshRejectedError('refresh token refused', { status: 401 }));
      return;
    }
    const result = await world.backend.refresh(call.input);
    if (result.ok) {
      const { accessToken, refreshToken, expiresIn } = result.tokens;
      call.resolve({ accessToken, refreshToken, expiresIn });
    } else {
      call.reject(new RefreshRejectedError(`refresh refused: ${result.reason}`, { status: 401 }));
    }
  }
  toString = () => `refresh answers ${this.outcome}`;
}

/** An answer that arrives after the session gave up on the call: it must change nothing. */
class LateRefreshAnswer extends Step {
  act(world: SessionWorld) {
    const call = world.refreshCalls.find((candidate) => !candidate.settled && candidate.signal.aborted);
    call?.resolve({ accessToken: 'late-access', refreshToken: 'late-refresh', expiresIn: 600 });
    if (call && world.session.tokens?.accessToken === 'late-access') world.violations.push('a late answer was used');
  }
  toString = () => 'late refresh answer';
}

type HeartbeatOutcome = 'valid' | 'invalid' | 'error';

class AnswerHeartbeat extends Step {
  constructor(readonly outcome: HeartbeatOutcome) {
    super();
  }
  act(world: SessionWorld) {
    const call = liveCalls(world.heartbeatCalls)[0];
    if (!call) return;
    if (this.outcome === 'error') call.reject(new ServerUnavailableError('heartbeat failed'));
    else call.resolve(this.outcome === 'valid');
  }
  toString = () => `heartbeat answers ${this.outcome}`;
}

class PassTime extends Step {
  constructor(readonly ms: number) {
    super();
  }
  async act() {
    await vi.advanceTimersByTimeAsync(this.ms);
  }
  toString = () => `${this.ms} ms pass`;
}

export const stepArbitraries = [
  fc.constant(new Login()),
  fc.constant(new Logout()),
  fc.constant(new GetToken()),
  fc.constant(new ExplicitRefresh()),
  fc.boolean().map((stale) => new Unauthorized(stale)),
  fc
    .tuple(fc.constantFrom(API, ELSEWHERE), fc.constantFrom('/secret', '/public'))
    .map(([origin, path]) => new Fetch(origin, path)),
  fc.constant(new ExpireAccessTokens()),
  fc
    .constantFrom<RefreshOutcome>('ok', 'ok', 'rejected', 'transient', 'hang')
    .map((outcome) => new AnswerRefresh(outcome)),
  fc.constant(new LateRefreshAnswer()),
  fc.constantFrom<HeartbeatOutcome>('valid', 'invalid', 'error').map((outcome) => new AnswerHeartbeat(outcome)),
  fc.constantFrom(1, 200, 1_000, 5_000, 20_000, 45_000).map((ms) => new PassTime(ms)),
];

export type { Model };
