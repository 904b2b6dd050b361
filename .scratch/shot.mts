import { chromium } from 'playwright-core';
import { startDemoServer } from '/work/wt/demo/demo/startDemo.ts';
const server = await startDemoServer({ port: 0 });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--no-first-run'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (m) => console.log('console:', m.type(), m.text()));
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  await page.goto(server.url + '/' + (process.argv[2] ?? ''));
  await page.evaluate(() => window.tokenflightDemo.ready);
  await page.click('#case-refreshable');
  await page.waitForSelector('#result[data-title]');
  await page.click('#fire-50');
  await page.waitForFunction(() => document.querySelector('#result')?.getAttribute('data-title')?.startsWith('50'));
  await page.waitForTimeout(300);
  console.log(await page.textContent('#result'));
  await page.screenshot({ path: '/tmp/demo.png', fullPage: true });
} finally { await browser.close(); await server.close(); }
