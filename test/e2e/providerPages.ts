/** Clicks through oidc-provider's development login and consent pages as a user would. */
import type { Page } from './page.js';

/** `page` is on its way to the provider: types any login and password, signs in, then consents. */
export async function logInAtProvider(page: Page, providerUrl: string, login: string): Promise<void> {
  await page.waitForURL(`${providerUrl}/interaction/**`);
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', 'any password');
  await page.click('button[type="submit"]');
  // The consent page lists the scopes; its one button grants them.
  await page.waitForSelector('input[name="prompt"][value="consent"]', { state: 'attached' });
  await page.click('button[type="submit"]');
}
