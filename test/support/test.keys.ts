import { createCipher } from '../../core/privacy/cipher.ts';

/** A fixed key for tests: the template database is seeded once with it and cloned per file. */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
export const testCipher = () => createCipher(Buffer.from(TEST_SECRET_KEY, 'base64'));
/** The demo data's "now": a Tuesday morning in Goseong. */
export const SEED_TIME = new Date('2026-11-24T00:30:00Z');
