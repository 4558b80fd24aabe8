import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKey, parseKey } from '../../core/privacy/cipher.ts';

/**
 * The key that encrypts personal data. From MAEUL_SECRET_KEY when set (required with a shared PostgreSQL: every
 * instance needs the same key); the embedded default generates one on first start and keeps it in DATA_DIR.
 */
export function loadSecretKey(input: {
  secret?: string | undefined;
  databaseUrl?: string | undefined;
  dataDir: string;
}): Buffer {
  if (input.secret) return parseKey(input.secret);
  if (input.databaseUrl)
    throw new Error(
      'DATABASE_URL을 쓸 때는 MAEUL_SECRET_KEY가 필요합니다 (all instances sharing a database need one key): openssl rand -base64 32',
    );
  const path = join(input.dataDir, 'secret.key');
  if (!existsSync(path)) {
    mkdirSync(input.dataDir, { recursive: true });
    writeFileSync(path, `${generateKey()}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(path, 0o600);
  return parseKey(readFileSync(path, 'utf8'));
}
