import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Personal data at rest: AES-256-GCM for what must be read back (mobile numbers, dialog data, message payloads),
 * HMAC-SHA256 as a blind index for what must only be compared (is this number registered already?).
 * Both keys are derived with HKDF from one 32-byte master key, so that one secret is configured.
 */
export type Cipher = {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
  blindIndex(value: string): string;
};

const VERSION = 'v1';

export function createCipher(masterKey: Buffer): Cipher {
  if (masterKey.length !== 32) throw new Error('The encryption key must be 32 bytes (base64 of 32 random bytes).');
  const encKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'maeul/enc/v1', 32));
  const macKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'maeul/index/v1', 32));
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64'), body.toString('base64'), cipher.getAuthTag().toString('base64')].join(
        ':',
      );
    },
    decrypt(sealed) {
      const [version, iv, body, tag] = sealed.split(':');
      if (version !== VERSION || !iv || body === undefined || !tag) throw new Error('Not a maeul ciphertext');
      const decipher = createDecipheriv('aes-256-gcm', encKey, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    },
    blindIndex(value) {
      return createHmac('sha256', macKey).update(value).digest('base64url');
    },
  };
}

export function parseKey(base64: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32)
    throw new Error('MAEUL_SECRET_KEY must be base64 of exactly 32 bytes (openssl rand -base64 32).');
  return key;
}

export function generateKey(): string {
  return randomBytes(32).toString('base64');
}
