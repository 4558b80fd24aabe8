import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';

/**
 * The outbox is delivery's own storage (issue 15): features enqueue, withdraw and ask about reach through the
 * operations of core/delivery/, and no other file reads or writes the tables, so that how deliveries are stored (a
 * lease per batch, a subject in place of per-feature columns) can change in one place.
 */
const root = join(import.meta.dirname, '..', '..');
const OUTBOX_TABLES = ['outbox', 'deliveryRequests', 'deliveryWorkers'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every name a file imports from db/schema, and whether it takes the whole module (`import * as`). */
function schemaImports(text: string): { names: string[]; wholeModule: boolean } {
  const names: string[] = [];
  let wholeModule = false;
  const statements = text.matchAll(/\b(?:import|export)\s+(type\s+)?([^;'"]*?)\s+from\s+['"]([^'"]+)['"]/g);
  for (const [, , clause = '', source = ''] of statements) {
    if (!/(^|\/)db\/schema(\/|$)/.test(source)) continue;
    if (/\*\s+as\s+\w+/.test(clause)) wholeModule = true;
    const braces = /\{([\s\S]*)\}/.exec(clause)?.[1] ?? '';
    for (const item of braces.split(',')) {
      const name = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]
        ?.trim();
      if (name) names.push(name);
    }
  }
  return { names, wholeModule };
}

const outside = ['core', 'bots', 'jobs']
  .flatMap((dir) => tsFiles(join(root, dir)))
  .map((path) => relative(root, path).split('\\').join('/'))
  .filter((path) => !path.startsWith('core/delivery/'))
  .map((path) => [path, schemaImports(readFileSync(join(root, path), 'utf8'))] as const);

describe('only core/delivery touches the outbox tables', () => {
  test('the scan reads import statements as they are written', () => {
    const sample = `import { and, eq } from 'drizzle-orm';
import {
  broadcasts,
  outbox as queue,
  type OutboxRow,
} from '../../db/schema/index.ts';
import { deliveryWorkers } from '../../db/schema/messaging.schema.ts';
import * as schema from '../db/schema/index.ts';
export const unrelated = { outbox: 1 };
export { deliveryRequests } from '../../db/schema/index.ts';`;
    expect(schemaImports(sample)).toEqual({
      names: ['broadcasts', 'outbox', 'OutboxRow', 'deliveryWorkers', 'deliveryRequests'],
      wholeModule: true,
    });
  });

  test('the scan finds the files that use the schema', () => {
    expect(outside.filter(([, imports]) => imports.names.length > 0).length).toBeGreaterThanOrEqual(20);
  });

  test('no file outside core/delivery imports outbox, deliveryRequests or deliveryWorkers', () => {
    const offenders = outside.flatMap(([path, imports]) =>
      imports.names.filter((name) => OUTBOX_TABLES.includes(name)).map((name) => `${path}: ${name}`),
    );
    expect(offenders).toEqual([]);
  });

  test('no file outside core/delivery takes the whole schema module (it would hold the outbox tables)', () => {
    expect(outside.filter(([, imports]) => imports.wholeModule).map(([path]) => path)).toEqual([]);
  });
});
