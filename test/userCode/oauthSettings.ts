// The app's settings module for docs/oauth.md's user code: your provider's and API's addresses.
// test/oauthReadme.test.ts points them at a real oidc-provider and resource server on 127.0.0.1.
export const settings = {
  issuer: 'https://login.example.com',
  clientId: 'spa',
  redirectUri: 'https://app.example.com/callback',
  postLogoutRedirectUri: 'https://app.example.com/logged-out',
  api: 'https://api.example.com',
  /** http:// addresses, for local development only. */
  insecure: false,
};
