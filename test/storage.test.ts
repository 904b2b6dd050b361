import { describe, expect, it } from 'vitest';
import { memoryStorage, webStorage } from '../src/storage.js';
import { MapStorage } from './support/mapStorage.js';

const tokens = { accessToken: 'a', refreshToken: 'r', expiresAt: 123 };

describe('storage', () => {
  it('memoryStorage holds what it is given', () => {
    const storage = memoryStorage();
    expect(storage.load()).toBeNull();
    storage.save(tokens);
    expect(storage.load()).toEqual(tokens);
  });

  it('webStorage round-trips, reads corrupt entries as empty, and survives a full storage', () => {
    const backing = new MapStorage();
    const storage = webStorage(backing, 'k');
    storage.save(tokens);
    expect(backing.getItem('k')).toBe(JSON.stringify(tokens));
    expect(webStorage(() => backing, 'k').load()).toEqual(tokens);
    backing.setItem('k', '{not json');
    expect(storage.load()).toBeNull();
    backing.setItem('k', JSON.stringify({ accessToken: 7 }));
    expect(storage.load()).toBeNull();
    backing.failWrites = true;
    expect(() => storage.save(tokens)).not.toThrow();
    storage.save(null);
    expect(backing.getItem('k')).toBeNull();
  });

  it('webStorage touches nothing until used', () => {
    let looked = 0;
    webStorage(() => {
      looked++;
      return new MapStorage();
    });
    expect(looked).toBe(0);
  });
});
