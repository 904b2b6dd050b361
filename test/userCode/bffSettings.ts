// The page's settings module for docs/server.md's BFF user code: where the BFF answers.
// test/redis/bff.test.ts points them at two BFF instances on 127.0.0.1.
export const settings = {
  /** The BFF that serves the page (the page's own origin, in most apps). */
  bff: 'https://app.example.com',
  /** Every origin the page calls the BFF at: one behind a load balancer. */
  bffOrigins: ['https://app.example.com'],
};
