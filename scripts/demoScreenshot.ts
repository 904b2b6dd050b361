/**
 * Regenerates the README's pictures of the demo at a 1366×768 laptop size, bearer mode:
 * docs/demo.png after case 3 ("expired, refreshable"), and docs/demo-details.png with slow
 * refresh on, caught while `refreshing` is lit, its transitions listed after a click on it.
 * Run: npx tsx scripts/demoScreenshot.ts (in Chromium, as the pictures were; E2E_ENGINE picks another engine)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { clickAndWait, startDemo } from '../test/e2e/harness.js';

const docs = (name: string) => fileURLToPath(new URL(`../docs/${name}`, import.meta.url));
const demo = await startDemo();
try {
  const page = await demo.open('bearer');
  await page.setViewportSize({ width: 1366, height: 768 });
  await clickAndWait(page, '#case-refreshable');
  // Let the lifetime bar finish its transition.
  await sleep(400);
  // The whole page: at 1366×768 it fits the window (test/e2e/demoLayout.e2e.ts checks).
  await page.screenshot(docs('demo.png'));

  await page.check('#slow-refresh');
  await page.click('#diagram g.node[data-path="refreshing"]');
  await page.click('#fire-3');
  await page.waitForSelector('#diagram g.node.active[data-path="refreshing"]');
  await sleep(300);
  await page.screenshot(docs('demo-details.png'));
  await page.waitForFunction(
    () => document.querySelector('#result')?.getAttribute('data-title') === '3 requests at once',
  );
  console.log(`wrote ${docs('demo.png')} and ${docs('demo-details.png')}`);
} finally {
  await demo.close();
}
