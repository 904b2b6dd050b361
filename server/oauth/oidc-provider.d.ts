// oidc-provider ships no types (and @types/oidc-provider is not installed):
// declare only the surface the test harness uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface OidcError extends Error {
    error: string;
    error_description?: string;
    /** Server-side detail, not sent to the client. */
    error_detail?: string;
    statusCode: number;
  }

  export interface ProviderContext {
    method: string;
    path: string;
    status: number;
    oidc?: {
      route?: string;
      params?: Record<string, unknown>;
    };
  }

  interface GrantIdModel {
    revokeByGrantId(grantId: string): Promise<void>;
  }

  interface RefreshTokenModel extends GrantIdModel {
    find(value: string, options?: { ignoreExpiration?: boolean }): Promise<{ grantId: string } | undefined>;
  }

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    readonly issuer: string;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: (ctx: ProviderContext, next: () => Promise<void>) => Promise<void>): this;
    on(event: 'grant.success', listener: (ctx: ProviderContext) => void): this;
    on(
      event: 'grant.error' | 'revocation.error' | 'server_error',
      listener: (ctx: ProviderContext, err: OidcError) => void,
    ): this;
    on(event: 'grant.revoked', listener: (ctx: ProviderContext, grantId: string) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
    readonly AccessToken: GrantIdModel;
    readonly AuthorizationCode: GrantIdModel;
    readonly RefreshToken: RefreshTokenModel;
    readonly Grant: { adapter: { destroy(id: string): Promise<void> } };
  }

  export const errors: {
    InvalidTarget: new (description?: string) => OidcError;
  };

  export default Provider;
}

// Internal per-provider state (used only to swap the DPoP nonce source, see
// authorizationServer.ts). The package has no "exports" map, so the deep import
// resolves to the very module instance the provider uses.
declare module 'oidc-provider/lib/helpers/weak_cache.js' {
  export default function instance(provider: object): Record<string, unknown> | undefined;
}
