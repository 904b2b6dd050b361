/** The engine a run of the browser tests drives: E2E_ENGINE=chromium|firefox|webkit (Chromium when unset). */
import { describe, it } from 'vitest';
import { launchChromium } from './chromium.js';
import { launchFirefox } from './firefox.js';
import { ENGINES, type DriverBrowser, type EngineName } from './types.js';
import { launchWebKit } from './webkit.js';

function chosenEngine(): EngineName {
  const wanted = process.env.E2E_ENGINE ?? 'chromium';
  const engine = ENGINES.find((name) => name === wanted);
  if (!engine) throw new Error(`E2E_ENGINE must be one of ${ENGINES.join(', ')}, got ${wanted}`);
  return engine;
}

export const ENGINE: EngineName = chosenEngine();

/** The engine's name as the tests' titles show it. */
export const ENGINE_TITLE = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit' }[ENGINE];

const launchers: Record<EngineName, () => Promise<DriverBrowser>> = {
  chromium: launchChromium,
  firefox: launchFirefox,
  webkit: launchWebKit,
};

export function launchEngine(): Promise<DriverBrowser> {
  return launchers[ENGINE]();
}

/**
 * Tests that need what only some engines have: they run there and are skipped elsewhere, with the reason in their
 * title ("[<engines> only: <reason>] …") and printed, so a skip is never read as a pass.
 */
export function describeOnlyIn(engines: readonly EngineName[], reason: string, name: string, body: () => void): void {
  const title = `[${engines.join(' and ')} only: ${reason}] ${name}`;
  if (engines.includes(ENGINE)) {
    describe(title, body);
    return;
  }
  console.log(`${ENGINE}: skipped ${title}`);
  describe.skip(title, body);
}

/**
 * Tests that need Chromium's DevTools protocol: they run in Chromium and are skipped elsewhere, with the reason
 * in their title ("[chromium-only: <reason>] …") and printed, so a skip is never read as a pass.
 */
export function describeChromiumOnly(reason: string, name: string, body: () => void): void {
  const title = `[chromium-only: ${reason}] ${name}`;
  if (ENGINE === 'chromium') {
    describe(title, body);
    return;
  }
  console.log(`${ENGINE}: skipped ${title}`);
  describe.skip(title, body);
}

/** As describeChromiumOnly, for one test. */
export function itChromiumOnly(reason: string, name: string, body: () => Promise<void>, timeout?: number): void {
  const title = `[chromium-only: ${reason}] ${name}`;
  if (ENGINE === 'chromium') {
    it(title, body, timeout);
    return;
  }
  console.log(`${ENGINE}: skipped ${title}`);
  it.skip(title, body, timeout);
}
