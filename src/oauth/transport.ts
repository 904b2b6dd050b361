import * as oauth from 'oauth4webapi';

/** How oauth4webapi's requests go out: the app's fetch, every answer shown to `observe` (DPoP nonces). */
export interface Transport {
  options: {
    [oauth.customFetch]: (url: string, init: oauth.CustomFetchOptions<string, unknown>) => Promise<Response>;
    // Deprecated upstream only to stand out: tokenflight sets it when the app opts in explicitly.
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- see above
    [oauth.allowInsecureRequests]: boolean;
  };
  /** Longest wait for discovery and revocation (ms); a refresh is bounded by the session's own timeout. */
  timeout: number;
}

export function createTransport(config: {
  fetch: typeof globalThis.fetch | undefined;
  allowInsecureRequests: boolean;
  timeout: number;
  observe: (response: Response, url: URL) => void;
}): Transport {
  return {
    options: {
      [oauth.customFetch]: async (url, init) => {
        // Read at call time, so a test's or a polyfill's global fetch applies.
        const response = await (config.fetch ?? globalThis.fetch)(url, init as RequestInit);
        config.observe(response, new URL(url));
        return response;
      },
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- the app's explicit opt-in (see Transport)
      [oauth.allowInsecureRequests]: config.allowInsecureRequests,
    },
    timeout: config.timeout,
  };
}
