// The server's settings module for docs/server.md's user code: your Redis, provider and API addresses.
// test/redis/serverDocs.test.ts and test/redis/bff.test.ts point them at a real redis-server, oidc-provider
// and resource server on 127.0.0.1.
export const settings = {
  redisUrl: 'redis://localhost:6379',
  issuer: 'https://login.example.com',
  clientId: 'integration',
  api: 'https://api.example.com',
  /** http:// addresses, for local development only. */
  insecure: false,
};
