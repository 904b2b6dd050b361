import type { InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactInspectionEvent, redactTokens } from '../../src/inspect/redact.js';

const secrets = new Set(['s3cret']);

describe('redactTokens', () => {
  it('replaces known secrets and values under token-named keys, anywhere', () => {
    expect(
      redactTokens(
        { a: 's3cret', b: 'fine', list: ['s3cret', 1], nested: { accessToken: 'x', refreshToken: 'y', usedAccessToken: 'z', token: 't', other: 'o' } },
        secrets,
      ),
    ).toEqual({
      a: REDACTED,
      b: 'fine',
      list: [REDACTED, 1],
      nested: { accessToken: REDACTED, refreshToken: REDACTED, usedAccessToken: REDACTED, token: REDACTED, other: 'o' },
    });
    expect(REDACTED).toBe('[redacted]');
  });

  it('keeps null token fields and primitives', () => {
    expect(redactTokens({ refreshToken: null, accessToken: undefined }, secrets)).toEqual({ refreshToken: null, accessToken: undefined });
    expect(redactTokens(5, secrets)).toBe(5);
    expect(redactTokens(null, secrets)).toBeNull();
  });

  it('turns errors into name and redacted message, and class instances into their name', () => {
    expect(redactTokens(new TypeError('s3cret'), secrets)).toEqual({ name: 'TypeError', message: REDACTED });
    expect(redactTokens(new Map(), secrets)).toBe('[Map]');
    expect(redactTokens(Object.create(Object.create(null)), secrets)).toBe('[object]');
    const bare = Object.assign(Object.create(null), { token: 'x' });
    expect(redactTokens(bare, secrets)).toEqual({ token: REDACTED });
  });

  it('copies nine levels deep and leaves out what lies deeper (a bound for cyclic data that never hands data on unredacted)', () => {
    const bottom = { leaf: 's3cret' };
    let deep: Record<string, unknown> = bottom;
    for (let i = 0; i < 9; i++) deep = { next: deep };
    let copy = redactTokens(deep, secrets) as Record<string, unknown>;
    for (let i = 0; i < 9; i++) copy = copy.next as Record<string, unknown>;
    expect(copy).toBe('[too deep]');

    let shallow: Record<string, unknown> = { leaf: 's3cret' };
    for (let i = 0; i < 8; i++) shallow = { next: shallow };
    expect(JSON.stringify(redactTokens(shallow, secrets))).toContain(REDACTED);
  });

  it('bounds the depth of nested arrays too', () => {
    const bottom = ['plain'];
    let deep: unknown = bottom;
    for (let i = 0; i < 9; i++) deep = [deep];
    let copy = redactTokens(deep, new Set()) as unknown[];
    for (let i = 0; i < 9; i++) copy = copy[0] as unknown[];
    // What lies deeper is left out, never handed on unredacted.
    expect(copy).toBe('[too deep]');
  });
});

describe('redactInspectionEvent', () => {
  it('redacts the event, the snapshot parts and action params, keeping the rest', () => {
    const actorRef = { id: 'actor' };
    const event = {
      type: '@xstate.snapshot',
      actorRef,
      rootId: 'root',
      event: { type: 'LOGIN', received: { tokens: { accessToken: 'x' } } },
      snapshot: { status: 'active', context: { tokens: { accessToken: 'x' } }, output: 's3cret', error: 's3cret', input: 's3cret' },
    } as unknown as InspectionEvent;
    const out = redactInspectionEvent(event, secrets) as unknown as Record<string, Record<string, unknown>>;
    // A stand-in with the actor's id, never the live actor (its getSnapshot() would show tokens).
    expect(out.actorRef).not.toBe(actorRef);
    expect(out.actorRef).toMatchObject({ id: 'actor' });
    expect(out.rootId).toBe('root');
    expect(out.event).toEqual({ type: 'LOGIN', received: { tokens: { accessToken: REDACTED } } });
    expect(out.snapshot).toMatchObject({ status: 'active', context: { tokens: { accessToken: REDACTED } }, output: REDACTED, error: REDACTED, input: REDACTED });

    const action = { type: '@xstate.action', actorRef, action: { type: 'emit', params: { token: 'x', id: 1 } } } as unknown as InspectionEvent;
    expect((redactInspectionEvent(action, secrets) as unknown as { action: unknown }).action).toEqual({ type: 'emit', params: { token: REDACTED, id: 1 } });

    const plain = { type: '@xstate.actor', actorRef } as unknown as InspectionEvent;
    expect(redactInspectionEvent(plain, secrets)).toMatchObject({ type: '@xstate.actor', actorRef: { id: 'actor' } });
  });

  it('adds no event to an inspection event without one', () => {
    const out = redactInspectionEvent({ type: '@xstate.actor', actorRef: {} } as unknown as InspectionEvent, new Set());
    expect('event' in out).toBe(false);
    expect('snapshot' in out).toBe(false);
  });
});
