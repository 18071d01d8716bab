/**
 * Encryption at rest for clients' Meta secrets (invariant 6): AES-256-GCM under a key ring.
 * The first key encrypts; any key decrypts, found by the key id stored beside the ciphertext,
 * so keys rotate without downtime (`npm run cli -- credentials:reencrypt`, then retire the old one).
 * GCM's tag detects any tampering with the ciphertext, the iv or the key id.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { CredentialsKey } from '../config.js';

export interface Sealed {
  keyId: string;
  iv: string;
  tag: string;
  data: string;
}

export class KeyRingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyRingError';
  }
}

export interface KeyRing {
  primaryKeyId: string;
  seal(plaintext: string): Sealed;
  open(sealed: Sealed): string;
  isPrimary(sealed: Sealed): boolean;
}

export function createKeyRing(keys: readonly CredentialsKey[]): KeyRing {
  if (keys.length === 0) throw new KeyRingError('the key ring is empty');
  const byId = new Map(keys.map((entry) => [entry.id, entry.key]));
  const primary = keys[0];

  return {
    primaryKeyId: primary.id,
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', primary.key, iv);
      // The key id is authenticated too, so a ciphertext cannot be relabelled to another key.
      cipher.setAAD(Buffer.from(primary.id));
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return { keyId: primary.id, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
    },
    open(sealed) {
      const key = byId.get(sealed.keyId);
      if (!key) throw new KeyRingError(`no key "${sealed.keyId}" in CREDENTIALS_KEYS; it is needed to decrypt a stored secret`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
        decipher.setAAD(Buffer.from(sealed.keyId));
        decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        throw new KeyRingError(`a stored secret failed its integrity check under key "${sealed.keyId}" (tampered, or the key is wrong)`);
      }
    },
    isPrimary: (sealed) => sealed.keyId === primary.id,
  };
}
