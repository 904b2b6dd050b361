/**
 * The refresh round one origin's tabs share, on its own: two tabs' rounds over one in-memory
 * localStorage and a recording channel, on a clock the test sets. Which round a tab goes by (a
 * stale message, a round for other tokens, two writers at once), what the round says at the exact
 * edges of its backoff, staleness and cooldown, what a malformed round on the channel or in
 * storage does (nothing), the cause every tab ends with, and how a wait for news ends.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { createOriginRound, type RoundSettings } from '../../src/cross-tab/originRound.js';
import type { SharedRecord, SharedTokenStorage } from '../../src/cross-tab/sharedRecord.js';
import type { SharedRound } from '../../src/cross-tab/sharedRound.js';
import { sharedWebStorage } from '../../src/cross-tab/sharedWebStorage.js';
import { RefreshCooldownError } from '../../domain/errors/RefreshCooldownError.js';
import { MapStorage } from '../support/mapStorage.js';

const STALE_AFTER = 10_000;
const settings: RoundSettings = {
  retries: 2,
  minDelay: 100,
  maxDelay: 1_000,
  failureCooldown: 60_000,
  random: () => 1,
};

const record = (version: number, writer = 'tab-a'): SharedRecord => ({
  version,
  writer,
  state: 'loggedIn',
  tokens: {
    accessToken: `at-${version}-${writer}`,
    refreshToken: `rt-${version}-${writer}`,
    expiresAt: null,
    tokenType: null,
    scope: null,
  },
  lifetime: 60_000,
});

/** A round as it travels between tabs (the wire format every build of the library shares). */
const round = (fields: Partial<SharedRound> = {}): SharedRound => ({
  kind: 'tokenflight:round',
  base: { version: 1, writer: 'tab-a' },
  seq: 1,
  writer: 'tab-x',
  failures: 1,
  retryAt: 5_000,
  cooldownUntil: null,
  cause: { name: 'ServiceUnavailableError', message: 'refresh failed (503)' },
  ...fields,
});

/** Tabs of one origin: a clock, one localStorage and a channel that only records what is posted. */
function origin({ store }: { store?: () => SharedTokenStorage } = {}) {
  const clock = { now: 1_000 };
  const local = new MapStorage();
  const tab = (writer: string) => {
    const posted: unknown[] = [];
    const rounds = createOriginRound({
      store: store ? store() : sharedWebStorage(local, 'origin'),
      post: (message) => posted.push(message),
      writer,
      now: () => clock.now,
      settings,
      staleAfter: STALE_AFTER,
    });
    return { rounds, posted };
  };
  return { clock, local, tab };
}

describe('what the round says about an attempt', () => {
  it('no round yet: attempt, with no failures counted', () => {
    const { tab } = origin();
    expect(tab('a').rounds.verdict(record(1))).toEqual({ kind: 'attempt', failures: 0 });
  });

  it('during the backoff: wait until the retry time; from the retry time on: attempt with the failures so far', () => {
    const { clock, tab } = origin();
    const { rounds } = tab('a');
    expect(rounds.receive(round({ failures: 2, retryAt: 5_000 }))).toBe(true);
    clock.now = 4_999;
    expect(rounds.verdict(record(1))).toEqual({ kind: 'wait', until: 5_000 });
    clock.now = 5_000;
    expect(rounds.verdict(record(1))).toEqual({ kind: 'attempt', failures: 2 });
  });

  it('a round nobody wrote for staleAfter past its retry time was left by closed tabs: it counts up to that instant, not after', () => {
    const { clock, tab } = origin();
    const { rounds } = tab('a');
    rounds.receive(round({ failures: 2, retryAt: 5_000 }));
    clock.now = 5_000 + STALE_AFTER;
    expect(rounds.verdict(record(1))).toEqual({ kind: 'attempt', failures: 2 });
    clock.now = 5_000 + STALE_AFTER + 1;
    expect(rounds.verdict(record(1))).toEqual({ kind: 'attempt', failures: 0 });
  });

  it('a round that gave up: every tab fails with a RefreshCooldownError for the time left, its cause named as the last failure; attempt once it is over', () => {
    const { clock, tab } = origin();
    const { rounds } = tab('a');
    rounds.receive(round({ failures: 3, retryAt: 1_000, cooldownUntil: 61_000 }));
    clock.now = 60_999;
    const verdict = rounds.verdict(record(1));
    expect(verdict.kind).toBe('over');
    const error = (verdict as { error: RefreshCooldownError }).error;
    expect(error).toBeInstanceOf(RefreshCooldownError);
    expect(error.cooldown).toBe(1);
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.cause).toMatchObject({ name: 'ServiceUnavailableError', message: 'refresh failed (503)' });
    clock.now = 61_000;
    expect(rounds.verdict(record(1))).toEqual({ kind: 'attempt', failures: 0 });
  });

  it('a round for other tokens (another version, or the same version by another writer) says nothing about these', () => {
    const { clock, tab } = origin();
    const { rounds } = tab('a');
    rounds.receive(round({ base: { version: 1, writer: 'tab-a' }, retryAt: 5_000 }));
    clock.now = 2_000;
    expect(rounds.verdict(record(1, 'tab-a'))).toEqual({ kind: 'wait', until: 5_000 });
    expect(rounds.verdict(record(2, 'tab-a'))).toEqual({ kind: 'attempt', failures: 0 });
    expect(rounds.verdict(record(1, 'tab-b'))).toEqual({ kind: 'attempt', failures: 0 });
  });
});

describe('which round a tab goes by', () => {
  it('a later write of the same round replaces an earlier one; an older message arriving late is ignored', () => {
    const { clock, tab } = origin();
    const { rounds } = tab('a');
    rounds.receive(round({ seq: 2, retryAt: 6_000 }));
    rounds.receive(round({ seq: 3, retryAt: 7_000 }));
    rounds.receive(round({ seq: 1, retryAt: 3_000 }));
    clock.now = 2_000;
    expect(rounds.verdict(record(1))).toEqual({ kind: 'wait', until: 7_000 });
  });

  it('two tabs wrote the same write of a round at once: every tab goes by the higher writer id, whatever order the messages come in', () => {
    const { clock, tab } = origin();
    const early = tab('a').rounds;
    const late = tab('b').rounds;
    clock.now = 2_000;
    early.receive(round({ seq: 2, writer: 'tab-p', retryAt: 6_000 }));
    early.receive(round({ seq: 2, writer: 'tab-q', retryAt: 8_000 }));
    late.receive(round({ seq: 2, writer: 'tab-q', retryAt: 8_000 }));
    late.receive(round({ seq: 2, writer: 'tab-p', retryAt: 6_000 }));
    expect(early.verdict(record(1))).toEqual({ kind: 'wait', until: 8_000 });
    expect(late.verdict(record(1))).toEqual({ kind: 'wait', until: 8_000 });
  });

  it("a round for newer tokens replaces an older tokens' round, whatever its seq; one for older tokens arriving late is ignored", () => {
    const { clock, tab } = origin();
    const { rounds } = tab('a');
    clock.now = 2_000;
    rounds.receive(round({ base: { version: 1, writer: 'tab-a' }, seq: 9, retryAt: 6_000 }));
    rounds.receive(round({ base: { version: 2, writer: 'tab-a' }, seq: 1, retryAt: 7_000 }));
    expect(rounds.verdict(record(2))).toEqual({ kind: 'wait', until: 7_000 });
    rounds.receive(round({ base: { version: 1, writer: 'tab-a' }, seq: 10, retryAt: 8_000 }));
    expect(rounds.verdict(record(2))).toEqual({ kind: 'wait', until: 7_000 });
  });

  it('a round for other tokens of the same version replaces the current one even with a lower seq (seq only orders writes of one round)', () => {
    const { clock, tab } = origin();
    const { rounds } = tab('a');
    clock.now = 2_000;
    rounds.receive(round({ base: { version: 2, writer: 'tab-a' }, seq: 5, retryAt: 6_000 }));
    rounds.receive(round({ base: { version: 2, writer: 'tab-b' }, seq: 1, retryAt: 7_000 }));
    expect(rounds.verdict(record(2, 'tab-b'))).toEqual({ kind: 'wait', until: 7_000 });
  });

  it('a tab that missed the messages (opened later) reads the round from storage', () => {
    const { clock, tab } = origin();
    const first = tab('a');
    first.rounds.fail(record(1), 0, new Error('down'));
    clock.now = 1_001;
    expect(tab('b').rounds.verdict(record(1))).toEqual({ kind: 'wait', until: 1_100 });
  });

  it('a storage that keeps no round (no readRound/writeRound): the round still travels on the channel and holds in memory', () => {
    const shared = sharedWebStorage(new MapStorage(), 'bare');
    const bare = (): SharedTokenStorage => ({
      load: shared.load,
      save: shared.save,
      readRecord: shared.readRecord,
      writeRecord: shared.writeRecord,
    });
    const { clock, tab } = origin({ store: bare });
    const a = tab('a');
    const b = tab('b');
    expect(a.rounds.fail(record(1), 0, new Error('down'))).toEqual({ kind: 'wait', until: 1_100 });
    expect(b.rounds.receive(a.posted[0])).toBe(true);
    clock.now = 1_050;
    expect(a.rounds.verdict(record(1))).toEqual({ kind: 'wait', until: 1_100 });
    expect(b.rounds.verdict(record(1))).toEqual({ kind: 'wait', until: 1_100 });
  });
});

describe('a malformed round on the channel or in storage is ignored', () => {
  const malformed: [string, unknown][] = [
    ['null', null],
    ['undefined (any script may post on the channel)', undefined],
    ['a string', 'tokenflight:round'],
    ['a token record', { version: 1, writer: 'tab-a', state: 'loggedOut', tokens: null, lifetime: null }],
    ['another kind', { ...round(), kind: 'tokenflight:record' }],
    ['no writer', { ...round(), writer: undefined }],
    ['a numeric writer', { ...round(), writer: 7 }],
    ['seq as a string', { ...round(), seq: '2' }],
    ['seq NaN', { ...round(), seq: Number.NaN }],
    ['seq Infinity', { ...round(), seq: Number.POSITIVE_INFINITY }],
    ['no failures', { ...round(), failures: undefined }],
    ['failures NaN', { ...round(), failures: Number.NaN }],
    ['retryAt as a string', { ...round(), retryAt: '5000' }],
    ['retryAt NaN', { ...round(), retryAt: Number.NaN }],
    ['cooldownUntil as a string', { ...round(), cooldownUntil: '61000' }],
    ['cooldownUntil NaN', { ...round(), cooldownUntil: Number.NaN }],
    ['no base', { ...round(), base: undefined }],
    ['base version as a string', { ...round(), base: { version: '1', writer: 'tab-a' } }],
    ['base without writer', { ...round(), base: { version: 1 } }],
    ['no cause', { ...round(), cause: undefined }],
    ['cause without name', { ...round(), cause: { message: 'refresh failed (503)' } }],
    ['cause with a numeric message', { ...round(), cause: { name: 'Error', message: 503 } }],
  ];

  it.each(malformed)('on the channel: %s is not a round, and changes nothing', (_, message) => {
    const { clock, tab } = origin();
    const { rounds } = tab('a');
    rounds.receive(round({ retryAt: 5_000 }));
    clock.now = 2_000;
    expect(rounds.receive(message)).toBe(false);
    expect(rounds.verdict(record(1))).toEqual({ kind: 'wait', until: 5_000 });
  });

  // JSON has no NaN or Infinity: storage only ever holds the others.
  it.each(malformed.filter(([name]) => !/NaN|Infinity/.test(name)))('in storage: %s is no round', (_, stored) => {
    const { local, tab } = origin();
    local.setItem('origin:round', JSON.stringify(stored));
    expect(sharedWebStorage(local, 'origin').readRound!()).toBeNull();
    expect(tab('a').rounds.verdict(record(1))).toEqual({ kind: 'attempt', failures: 0 });
  });

  it('well formed, with or without a cooldown, it is a round: on the channel and in storage', () => {
    const { local, tab } = origin();
    expect(tab('a').rounds.receive(round())).toBe(true);
    expect(tab('b').rounds.receive(round({ cooldownUntil: 61_000 }))).toBe(true);
    local.setItem('origin:round', JSON.stringify(round({ retryAt: 5_000 })));
    expect(tab('c').rounds.verdict(record(1))).toEqual({ kind: 'wait', until: 5_000 });
  });
});

describe('a failed attempt', () => {
  it('within the retries: the backoff starts now, and the other tabs hear the round with its cause', () => {
    const { clock, tab } = origin();
    const a = tab('a');
    const b = tab('b');
    clock.now = 3_000;
    // attempt 2, minDelay 100, random 1: the full step of 200 ms.
    expect(a.rounds.fail(record(1), 1, new TypeError('fetch failed'))).toEqual({ kind: 'wait', until: 3_200 });
    expect(a.posted).toEqual([
      {
        kind: 'tokenflight:round',
        base: { version: 1, writer: 'tab-a' },
        seq: 1,
        writer: 'a',
        failures: 2,
        retryAt: 3_200,
        cooldownUntil: null,
        cause: { name: 'TypeError', message: 'fetch failed' },
      },
    ]);
    expect(b.rounds.receive(a.posted[0])).toBe(true);
    expect(b.rounds.verdict(record(1))).toEqual({ kind: 'wait', until: 3_200 });
  });

  it('a failure that is not an Error still reaches the other tabs, named Error with its text', () => {
    const { tab } = origin();
    const a = tab('a');
    a.rounds.fail(record(1), 0, 'gateway said no');
    expect(a.posted[0]).toMatchObject({ cause: { name: 'Error', message: 'gateway said no' } });
    expect(tab('b').rounds.receive(a.posted[0])).toBe(true);
  });

  it('past the retries: the round gives up with a cooldown, the tab fails with the failure itself as cause, the others with its name and message', () => {
    const { clock, tab } = origin();
    const a = tab('a');
    const b = tab('b');
    const failure = new TypeError('fetch failed');
    const verdict = a.rounds.fail(record(1), settings.retries, failure);
    expect(verdict.kind).toBe('over');
    const error = (verdict as { error: RefreshCooldownError }).error;
    expect(error).toBeInstanceOf(RefreshCooldownError);
    expect(error.cooldown).toBe(settings.failureCooldown);
    expect(error.cause).toBe(failure);
    expect(a.posted[0]).toMatchObject({ failures: 3, retryAt: 1_000, cooldownUntil: 61_000 });

    b.rounds.receive(a.posted[0]);
    clock.now = 31_000;
    const remote = b.rounds.verdict(record(1)) as { kind: string; error: RefreshCooldownError };
    expect(remote.kind).toBe('over');
    expect(remote.error.cooldown).toBe(30_000);
    expect(remote.error.cause).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
  });

  it('each write of the round counts up its seq, so the other tabs take the latest', () => {
    const { tab } = origin();
    const a = tab('a');
    a.rounds.fail(record(1), 0, new Error('one'));
    a.rounds.fail(record(1), 1, new Error('two'));
    expect(a.posted.map((posted) => (posted as SharedRound).seq)).toEqual([1, 2]);
  });
});

describe('a new round (an explicit refresh during the cooldown)', () => {
  it('starts the round over in every tab: attempts from now, no failures counted, the last cause kept', () => {
    const { clock, tab } = origin();
    const a = tab('a');
    const b = tab('b');
    a.rounds.fail(record(1), settings.retries, new Error('down'));
    b.rounds.receive(a.posted[0]);
    clock.now = 2_000;
    a.rounds.restart(record(1));
    expect(a.posted[1]).toMatchObject({
      seq: 2,
      failures: 0,
      retryAt: 0,
      cooldownUntil: null,
      cause: { name: 'Error', message: 'down' },
    });
    expect(b.rounds.receive(a.posted[1])).toBe(true);
    expect(a.rounds.verdict(record(1))).toEqual({ kind: 'attempt', failures: 0 });
    expect(b.rounds.verdict(record(1))).toEqual({ kind: 'attempt', failures: 0 });
  });

  it('without a round there is nothing to start over: nothing is written or posted', () => {
    const { local, tab } = origin();
    const a = tab('a');
    a.rounds.restart(record(1));
    expect(a.posted).toEqual([]);
    expect(local.getItem('origin:round')).toBeNull();
  });
});

describe('waiting for news', () => {
  it('a round from another tab wakes every wait at once', async () => {
    const { tab } = origin();
    const { rounds } = tab('a');
    const signal = new AbortController().signal;
    const woken = vi.fn();
    void rounds.waitForNews(Number.MAX_SAFE_INTEGER, signal).then(woken);
    void rounds.waitForNews(Number.MAX_SAFE_INTEGER, signal).then(woken);
    await Promise.resolve();
    expect(woken).not.toHaveBeenCalled();
    rounds.receive(round());
    await Promise.resolve();
    expect(woken).toHaveBeenCalledTimes(2);
  });

  it('news of another kind (a record) wakes it too, and a wait that ended leaves no listener on the caller signal', async () => {
    const { tab } = origin();
    const { rounds } = tab('a');
    const signal = new AbortController().signal;
    const waits = [
      rounds.waitForNews(Number.MAX_SAFE_INTEGER, signal),
      rounds.waitForNews(Number.MAX_SAFE_INTEGER, signal),
    ];
    expect(getEventListeners(signal, 'abort')).toHaveLength(2);
    rounds.news();
    await Promise.all(waits);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('ends by itself at `until`', async () => {
    vi.useFakeTimers();
    try {
      const { clock, tab } = origin();
      const { rounds } = tab('a');
      const woken = vi.fn();
      void rounds.waitForNews(clock.now + 500, new AbortController().signal).then(woken);
      await vi.advanceTimersByTimeAsync(499);
      expect(woken).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(woken).toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });

  it('the caller giving up rejects the wait with its reason, whether before or during the wait', async () => {
    const { tab } = origin();
    const { rounds } = tab('a');
    const during = new AbortController();
    const waiting = rounds.waitForNews(Number.MAX_SAFE_INTEGER, during.signal);
    const reason = new Error('caller gave up');
    during.abort(reason);
    await expect(waiting).rejects.toBe(reason);

    const before = new AbortController();
    before.abort(reason);
    await expect(rounds.waitForNews(Number.MAX_SAFE_INTEGER, before.signal)).rejects.toBe(reason);
  });
});
