/**
 * A demo you can read: on a laptop screen the machine's text is large enough, the result and
 * the log are in view, `refreshing` can be seen, expected 401s do not look like failures, the
 * counters start at zero and logging out revokes at the server.
 */
import type { Page } from './page.js';
import { describe, expect, it } from 'vitest';
import { authSessionMachine } from '../../machines/authSession.js';
import { allStates, describeMachine, transitionLabel } from '../../scripts/visualize/machineGraph.js';
import { MODES, useDemo, clickAndWait } from './harness.js';

const demo = useDemo();
const MIN_TEXT_PX = 11;

/** Rendered sizes in CSS px: each SVG text's font size times the SVG's scale, and the details' text. */
const textSizes = (page: Page) =>
  page.evaluate(() => {
    const svg = document.querySelector<SVGSVGElement>('#diagram svg')!;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const diagram = [...svg.querySelectorAll('text')].map((text) => ({
      text: text.textContent,
      px: Number(text.getAttribute('font-size')) * scale,
      computed: parseFloat(getComputedStyle(text).fontSize) * scale,
    }));
    const details = [...document.querySelectorAll('#diagram-details li, #diagram-details code')].map((item) =>
      parseFloat(getComputedStyle(item).fontSize),
    );
    return { diagram, details };
  });

/** Where an element is, against the viewport. */
const inViewport = (page: Page, selector: string) =>
  page.evaluate((wanted) => {
    const box = document.querySelector(wanted)!.getBoundingClientRect();
    return box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth && box.height > 0;
  }, selector);

describe.each([
  [1366, 768],
  [1920, 1080],
])('at %i×%i', (width, height) => {
  it(`the machine's smallest text is at least ${MIN_TEXT_PX} px and its fonts are Graphviz's own`, async () => {
    const page = await demo.open('bearer');
    await page.setViewportSize({ width, height });
    await page.click('#diagram g.node[data-path="idle"]');
    const { diagram, details } = await textSizes(page);
    expect(diagram.length).toBeGreaterThan(10);
    for (const { text, px, computed } of diagram) {
      expect(px, text).toBeGreaterThanOrEqual(MIN_TEXT_PX);
      // The page's CSS does not replace the size Graphviz laid out.
      expect(computed, text).toBeCloseTo(px, 1);
    }
    expect(details.length).toBeGreaterThan(0);
    expect(Math.min(...details)).toBeGreaterThanOrEqual(MIN_TEXT_PX);
    console.log(
      `${width}×${height}: smallest diagram text ${Math.min(...diagram.map((d) => d.px)).toFixed(1)} px, details ${Math.min(...details)} px`,
    );
  });

  it('the result panel and the log are in view without scrolling, after a burst too', async () => {
    const page = await demo.open('bearer');
    await page.setViewportSize({ width, height });
    await clickAndWait(page, '#fire-50');
    expect(await inViewport(page, '.result-card')).toBe(true);
    expect(await inViewport(page, '.log-card')).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollHeight <= innerHeight)).toBe(true);
    // 50 requests and their replays later, the refresh line is still in sight.
    const pinned = await page.allTextContents('#log-pinned li');
    expect(pinned.filter((text) => text.includes('⟳ refresh started'))).toHaveLength(1);
    expect(await inViewport(page, '#log-pinned')).toBe(true);
  });
});

describe.each(['bearer', 'cookie', 'oauth'] as const)('%s mode at 1366×768', (mode) => {
  it('every server counter is shown whole inside its card', async () => {
    const page = await demo.open(mode);
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.waitForFunction(() => document.querySelectorAll('#stats dd').length > 0);
    const boxes = await page.evaluate(() => {
      const card = document.querySelector('#stats')!.closest('.card')!.getBoundingClientRect();
      return [...document.querySelectorAll('#stats dt, #stats dd')].map((item) => {
        const box = item.getBoundingClientRect();
        // Text wider than its box spills over (or is cut by the card's overflow).
        const whole = item.scrollWidth <= item.clientWidth + 1;
        return { text: item.textContent, inside: box.left >= card.left && box.right <= card.right && whole };
      });
    });
    expect(boxes.length).toBeGreaterThanOrEqual(8);
    expect(boxes.filter((box) => !box.inside)).toEqual([]);
    // The page still fits the window with the counters on two lines.
    expect(await page.evaluate(() => document.documentElement.scrollHeight <= innerHeight)).toBe(true);
    await demo.screenshot(page, `counters-${mode}-1366x768`);
  });
});

describe('the machine, in the page', () => {
  it('lists a clicked state’s transitions, as the machine defines them', async () => {
    const page = await demo.open('bearer');
    await page.click('#diagram g.node[data-path="refreshing"]');
    const graph = describeMachine(authSessionMachine);
    const refreshing = allStates(graph.root).find((state) => state.key === 'refreshing')!;
    const inside = new Set(allStates(refreshing).map((state) => state.id));
    const expected = graph.transitions.filter((t) => inside.has(t.source));
    const shown = await page.allTextContents('#diagram-details li');
    expect(shown).toHaveLength(expected.length);
    for (const transition of expected)
      expect(shown.some((line) => line.includes(transitionLabel(transition)))).toBe(true);
  });

  it('with slow refresh on, `refreshing` stays lit for more than a second', async () => {
    const page = await demo.open('bearer');
    await page.check('#slow-refresh');
    // Records when the diagram lights and unlights `refreshing`.
    await page.evaluate(() => {
      const node = document.querySelector('#diagram g.node[data-path="refreshing"]')!;
      const seen: Array<[boolean, number]> = [];
      (window as unknown as { lit: typeof seen }).lit = seen;
      new MutationObserver(() => seen.push([node.classList.contains('active'), performance.now()])).observe(node, {
        attributeFilter: ['class'],
      });
    });
    await clickAndWait(page, '#case-refreshable');
    const lit = await page.evaluate(() => (window as unknown as { lit: Array<[boolean, number]> }).lit);
    const on = lit.find(([active]) => active)?.[1];
    const off = lit.find(([active], index) => !active && index > 0)?.[1];
    expect(on).toBeDefined();
    expect(off).toBeDefined();
    expect(off! - on!).toBeGreaterThanOrEqual(1_000);
    expect(await demo.stats()).toMatchObject({ refreshCalls: 1, refreshOk: 1 });
  });
});

describe('expected 401s', () => {
  it('a 401 that tokenflight replays is logged as "401 → replayed", not as a failure', async () => {
    const page = await demo.open('bearer');
    await clickAndWait(page, '#case-refreshable');
    const lines = await page.evaluate(() =>
      [...document.querySelectorAll('#log li')].map((item) => ({
        kind: item.getAttribute('data-kind'),
        text: item.textContent,
        color: getComputedStyle(item).color,
      })),
    );
    const with401 = lines.filter((line) => line.text.includes('← 401'));
    expect(with401).toHaveLength(2);
    for (const line of with401) {
      expect(line.kind).toBe('replayed');
      expect(line.text).toMatch(/← 401 \/api\/secret\?item=\w+ #\d+ → replayed$/);
    }
    // Not in the failure red (--bad, #c92a2a).
    expect(with401.map((line) => line.color)).not.toContain('rgb(201, 42, 42)');
    expect(lines.filter((line) => line.kind === 'error')).toEqual([]);
  });

  it('a guest’s 401s are shown as expected, without a ✗', async () => {
    const page = await demo.open('bearer');
    await clickAndWait(page, '#case-guest');
    const marks = await page.evaluate(() =>
      [...document.querySelectorAll('#result .outcomes li')].map((item) => ({
        verdict: item.getAttribute('data-verdict'),
        mark: getComputedStyle(item, '::before').content,
      })),
    );
    expect(marks.map((item) => item.verdict)).toEqual(['expected', 'expected', 'ok']);
    expect(marks.map((item) => item.mark).join('')).not.toContain('✗');
  });
});

describe.each(MODES)('%s mode: server counters and logout', (mode) => {
  it('the counters start at 0 after a reload', async () => {
    const page = await demo.open(mode);
    await clickAndWait(page, '#case-refreshable');
    expect(await demo.stats()).toMatchObject({ refreshCalls: 1 });
    await page.reload();
    await page.evaluate(() => window.tokenflightDemo.ready);
    expect(await demo.stats()).toEqual({ refreshCalls: 0, refreshOk: 0, reuseDetected: 0, unauthorized: 0 });
    const shown = await page.allTextContents('#stats dd');
    expect(shown).toEqual(['0', '0', '0', '0']);
  });

  it('logging out revokes the refresh token at the server', async () => {
    const page = await demo.open(mode);
    await clickAndWait(page, '#login');
    // The refresh token as the page holds it (bearer) or as the browser sends it (cookie).
    const refreshToken =
      mode === 'bearer'
        ? await page.evaluate(() => window.tokenflightDemo.session.tokens?.refreshToken ?? null)
        : ((await page.cookies(`${demo.server.url}/api/`)).find((cookie) => cookie.name === 'tf_refresh')?.value ??
          null);
    expect(refreshToken).toBeTruthy();
    await clickAndWait(page, '#logout');
    const refused = await fetch(`${demo.server.url}/api/refresh`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(mode === 'cookie' ? { Cookie: `tf_refresh=${encodeURIComponent(refreshToken!)}` } : {}),
      },
      body: JSON.stringify(mode === 'bearer' ? { refreshToken } : {}),
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: 'revoked' });
  });
});
