import { describe, expect, it } from 'vitest';
import { memoryStorage, webStorage } from '../src/storage.js';

class MapStorage implements Storage {
  private readonly items = new Map<string, string>();
  failWrites = false;
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    if (this.failWrites) throw new DOMException('quota', 'QuotaExceededError');
    this.items.set(key, value);
  }
}

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
