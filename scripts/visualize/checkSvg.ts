import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

/**
 * `npm run visualize:check`: renders visualizations/authSession.svg and authSession.overview.svg in
 * Chromium at README width (800 px), saves a PNG of each to look at (reports/<name>.png), and lists labels whose boxes
 * overlap each other or cross a state's outline. Exits 1 when it finds any. Not part of
 * `npm test`: it needs a Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const README_WIDTH = 800;

/** Runs in the page. A string, because tsx adds helpers to compiled functions that the page lacks. */
const MEASURE = `(() => {
  const box = (element) => element.getBoundingClientRect();
  const texts = [...document.querySelectorAll('text')].map((text) => ({ text: text.textContent ?? '', rect: box(text) }));
  const overlaps = [];
  texts.forEach((a, i) =>
    texts.slice(i + 1).forEach((b) => {
      const width = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
      const height = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
      if (width > 0.5 && height > 0.5) overlaps.push([a.text, b.text]);
    }),
  );
  const crossings = [];
  for (const group of document.querySelectorAll('g.node, g.cluster')) {
    const outline = group.querySelector('path, polygon, ellipse');
    if (!outline) continue;
    const shape = box(outline);
    const own = new Set([...group.querySelectorAll('text')].map((text) => text.textContent));
    for (const { text, rect } of texts) {
      if (own.has(text)) continue;
      const inside = rect.left >= shape.left && rect.right <= shape.right && rect.top >= shape.top && rect.bottom <= shape.bottom;
      const outside = rect.right <= shape.left || rect.left >= shape.right || rect.bottom <= shape.top || rect.top >= shape.bottom;
      if (!inside && !outside) crossings.push([text, group.querySelector('title')?.textContent ?? '?']);
    }
  }
  const svgElement = document.querySelector('svg');
  return { natural: { width: box(svgElement).width, height: box(svgElement).height }, texts: texts.length, overlaps, crossings };
})()`;

interface Findings {
  natural: { width: number; height: number };
  texts: number;
  overlaps: Array<[string, string]>;
  crossings: Array<[string, string]>;
}

/** Renders one SVG, saves reports/<name>.png and reports what overlaps; true when nothing does. */
async function check(browser: Browser, file: string): Promise<boolean> {
  const svg = await readFile(file, 'utf8');
  const page = await browser.newPage({ viewport: { width: README_WIDTH, height: 600 } });
  // As on GitHub: an <img> no wider than the column.
  const dataUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  await page.setContent(
    `<body style="margin:0"><img id="svg" src="${dataUrl}" style="max-width:100%;display:block"></body>`,
  );
  await page.waitForFunction(() => (document.getElementById('svg') as HTMLImageElement).complete);
  const png = join('reports', `${basename(file, '.svg')}.png`);
  await mkdir(join(ROOT, 'reports'), { recursive: true });
  await page.screenshot({ path: join(ROOT, png), fullPage: true });

  // Geometry is measured on the inline SVG at its natural size.
  await page.setViewportSize({ width: 1600, height: 1400 });
  await page.setContent(`<body style="margin:0">${svg.slice(svg.indexOf('<svg'))}</body>`);
  const findings = await page.evaluate<Findings>(MEASURE);
  await page.close();
  const scale = Math.min(1, README_WIDTH / findings.natural.width);
  console.log(
    `${basename(file)}: ${findings.natural.width.toFixed(0)}×${findings.natural.height.toFixed(0)} px, shown at ${(scale * 100).toFixed(0)}% in an ${README_WIDTH} px column; ${findings.texts} labels; wrote ${png}`,
  );
  for (const [a, b] of findings.overlaps) console.log(`  overlap: "${a}" / "${b}"`);
  for (const [text, shape] of findings.crossings) console.log(`  crosses ${shape}: "${text}"`);
  return findings.overlaps.length + findings.crossings.length === 0;
}

async function main() {
  // Other SVGs can be checked by passing their paths.
  const files =
    process.argv.length > 2
      ? process.argv.slice(2)
      : ['authSession.svg', 'authSession.overview.svg'].map((name) => join(ROOT, 'visualizations', name));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    for (const file of files) if (!(await check(browser, file))) process.exitCode = 1;
  } finally {
    await browser.close();
  }
}

await main();
