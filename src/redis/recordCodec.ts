import { parseSharedRecord, type SharedRecord } from '../coordination/sharedRecord.js';

/** Turns records into the strings Redis keeps, encrypted when a key is given. */
export interface RecordCodec {
  encode(record: SharedRecord, recordKey: string): Promise<string>;
  /** The record, or null when the data is corrupt or does not decrypt with this key. */
  decode(data: string, recordKey: string, version: number): Promise<SharedRecord | null>;
}

const IV_BYTES = 12;
const text = new TextEncoder();

/** Refuses a key that could leak (extractable) or does not do AES-GCM both ways. */
export function checkEncryptionKey(key: unknown): CryptoKey | undefined {
  if (key === undefined) return undefined;
  const usable =
    key instanceof CryptoKey &&
    key.algorithm.name === 'AES-GCM' &&
    !key.extractable &&
    key.usages.includes('encrypt') &&
    key.usages.includes('decrypt');
  if (!usable) {
    throw new TypeError(
      `tokenflight: redis encryptionKey must be a non-extractable AES-GCM CryptoKey for encrypt and decrypt, got ${describe(key)}`,
    );
  }
  return key;
}

function describe(value: unknown): string {
  if (value instanceof CryptoKey) return `${value.algorithm.name} key (extractable: ${String(value.extractable)})`;
  return typeof value === 'object' && value !== null ? 'an object that is not a CryptoKey' : String(value);
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** JSON, or with a key AES-GCM (random 96-bit IV) bound to the Redis key and version: a ciphertext moved to another key or version does not decrypt. */
export function recordCodec(key: CryptoKey | undefined): RecordCodec {
  const parse = (json: string) => {
    try {
      return parseSharedRecord(JSON.parse(json));
    } catch {
      return null;
    }
  };
  if (!key) {
    return {
      encode: (record) => Promise.resolve(JSON.stringify(record)),
      decode: (data) => Promise.resolve(parse(data)),
    };
  }
  const boundTo = (recordKey: string, version: number) => text.encode(`${recordKey}#${version}`);
  return {
    async encode(record, recordKey) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const additionalData = boundTo(recordKey, record.version);
      const sealed = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData },
        key,
        text.encode(JSON.stringify(record)),
      );
      return `${base64(iv)}.${base64(new Uint8Array(sealed))}`;
    },
    async decode(data, recordKey, version) {
      const [iv, sealed] = data.split('.');
      if (!iv || !sealed) return null;
      try {
        const plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: Buffer.from(iv, 'base64'), additionalData: boundTo(recordKey, version) },
          key,
          Buffer.from(sealed, 'base64'),
        );
        return parse(new TextDecoder().decode(plain));
      } catch {
        return null;
      }
    },
  };
}
