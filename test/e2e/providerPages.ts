/** Clicks through oidc-provider's development login and consent pages as a user would. */

/** What the provider's pages need of a page: the harness's Page in every engine, or Playwright's own. */
export interface ProviderPage {
  waitForURL(url: string): Promise<unknown>;
  fill(selector: string, value: string): Promise<unknown>;
  click(selector: string): Promise<unknown>;
  waitForSelector(selector: string, options: { state: 'attached' }): Promise<unknown>;
}

/** `page` is on its way to the provider: types any login and password, signs in, then consents. */
export async function logInAtProvider(page: ProviderPage, providerUrl: string, login: string): Promise<void> {
  await page.waitForURL(`${providerUrl}/interaction/**`);
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', 'any password');
  await page.click('button[type="submit"]');
  // The consent page lists the scopes; its one button grants them.
  await page.waitForSelector('input[name="prompt"][value="consent"]', { state: 'attached' });
  await page.click('button[type="submit"]');
}
