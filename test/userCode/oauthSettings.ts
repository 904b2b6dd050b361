// The app's own values for test/userCode/oauthClient.ts; test/oauthReadme.test.ts fills them in
// with its provider's before importing the client, as an app's build would.
export const settings = {
  /** The provider's issuer (discovery). */
  issuer: 'https://id.example.com',
  /** The API's origin, which gets the token. */
  api: 'https://api.example.com',
  /** This app's redirect URI, registered at the provider. */
  redirectUri: 'https://app.example.com/callback',
  /** Local development against http:// only. */
  insecure: false,
};
