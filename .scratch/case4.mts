import { startDemo, clickAndWait, shownResult } from '../test/e2e/harness.ts';
const demo = await startDemo();
try {
  for (const mode of ['bearer', 'cookie'] as const) {
    await demo.debug('reset');
    const page = await demo.open(mode);
    const t = Date.now();
    await clickAndWait(page, '#case-expiredForGood');
    console.log(mode, Date.now() - t, 'ms', await shownResult(page), await demo.stats());
    await page.waitForTimeout(1000);
    console.log((await page.locator('#log li').allTextContents()).reverse().join('\n'));
    console.log(await demo.stats());
  }
} finally { await demo.close(); }
