/**
 * Regenerates docs/demo.png, the README's picture of the demo: case 3
 * ("expired, refreshable") in bearer mode. Run: npx tsx scripts/demoScreenshot.ts
 */
import { fileURLToPath } from 'node:url';
import { clickAndWait, startDemo } from '../test/e2e/harness.js';

const target = fileURLToPath(new URL('../docs/demo.png', import.meta.url));
const demo = await startDemo();
try {
  const page = await demo.open('bearer');
  await page.setViewportSize({ width: 1400, height: 1050 });
  await clickAndWait(page, '#case-refreshable');
  // Let the lifetime bar finish its transition.
  await page.waitForTimeout(400);
  await page.screenshot({ path: target });
  console.log(`wrote ${target}`);
} finally {
  await demo.close();
}
