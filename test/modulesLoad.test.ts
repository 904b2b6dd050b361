import { describe, expect, it } from 'vitest';

/**
 * Every module imported inside a test: a module that throws while loading (e.g. a machine
 * definition with a broken target) then fails a test here, instead of only failing to load the
 * other files, which test runners like Stryker's count as "no tests".
 */
describe('modules load', () => {
  it.each([
    ['../machines/authSession.js', 'authSessionMachine'],
    ['../machines/delays.js', 'createDelays'],
    ['../src/session/createAuthSession.js', 'createAuthSession'],
    ['../src/fetch/createAuthFetch.js', 'createAuthFetch'],
    ['../domain/tokens.js', 'receiveTokens'],
    ['../src/session/storage.js', 'webStorage'],
    ['../src/inspect/redact.js', 'redactTokens'],
    ['../src/adapter-core/origins.js', 'createOriginAllowList'],
    ['../domain/isTerminalError.js', 'isTerminalError'],
  ])('%s', async (path, name) => {
    const module = (await import(/* @vite-ignore */ path)) as Record<string, unknown>;
    expect(module[name]).toBeDefined();
  });

  it('the machine resolves every target and starts in loggedOut', async () => {
    const { authSessionMachine } = await import('../machines/authSession.js');
    expect(authSessionMachine.id).toBe('authSession');
    expect(authSessionMachine.config.initial).toBe('loggedOut');
    expect(authSessionMachine.root.states.idle?.config.initial).toBe('waiting');
    expect(authSessionMachine.root.states.refreshing?.config.initial).toBe('requesting');
  });
});
