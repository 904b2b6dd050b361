import { TokenflightError } from '../../domain/errors/TokenflightError.js';
import type { HeartbeatContext, RefreshContext } from '../session/createAuthSession.js';
import { RefreshRejectedError } from '../../domain/errors/RefreshRejectedError.js';
import type { CamelTokenInput, TokenSet } from '../../domain/tokens.js';
import type { AuthRoute } from './createAuthServer.js';

/** A non-2xx answer that is not a refusal of the refresh token (5xx, 429…): worth a retry. */
export class AuthServerError extends TokenflightError {
  override readonly name = 'AuthServerError';
  readonly status: number;

  constructor(route: string, status: number) {
    super(`${route} answered ${status}`);
    this.status = status;
  }
}

export interface AuthClient {
  login(username: string): Promise<CamelTokenInput>;
  /** Pass as `createAuthSession({ refresh })`: 400/401/403 become `RefreshRejectedError`. */
  refresh(context: RefreshContext): Promise<CamelTokenInput>;
  /** Pass as `createAuthSession({ heartbeat })`: a 401 means the session is gone. */
  heartbeat(context: HeartbeatContext): Promise<boolean>;
  logout(tokens: TokenSet | null): Promise<void>;
}

function tokenInput(body: unknown): CamelTokenInput {
  const { accessToken, refreshToken, expiresIn } = (body ?? {}) as Record<string, unknown>;
  // The session validates the rest; a malformed answer fails there with InvalidTokenError.
  return { accessToken, refreshToken, expiresIn } as CamelTokenInput;
}

/**
 * The client side of the auth server's routes, for tests and examples: what an app's own
 * `refresh`/`heartbeat` functions look like against it. `fetch` defaults to the global one at
 * call time, so msw intercepts it.
 */
export function createAuthClient(
  server: { url(route: AuthRoute): string },
  fetch?: typeof globalThis.fetch,
): AuthClient {
  const send = (input: string, init: RequestInit) => (fetch ?? globalThis.fetch)(input, init);
  const json = { 'Content-Type': 'application/json' };
  return {
    async login(username) {
      const response = await send(server.url('login'), {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ username }),
      });
      if (!response.ok) throw new AuthServerError('login', response.status);
      return tokenInput(await response.json());
    },
    async refresh({ refreshToken, signal }) {
      const response = await send(server.url('refresh'), {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ refreshToken }),
        signal,
      });
      if ([400, 401, 403].includes(response.status)) {
        throw new RefreshRejectedError('The auth server refused the refresh token', { status: response.status });
      }
      if (!response.ok) throw new AuthServerError('refresh', response.status);
      return tokenInput(await response.json());
    },
    async heartbeat({ tokens, signal }) {
      const response = await send(server.url('heartbeat'), {
        headers: { Authorization: `Bearer ${tokens.accessToken}` },
        signal,
      });
      if (response.status === 401) return false;
      if (!response.ok) throw new AuthServerError('heartbeat', response.status);
      return true;
    },
    async logout(tokens) {
      await send(server.url('logout'), {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ refreshToken: tokens?.refreshToken ?? null }),
      });
    },
  };
}
