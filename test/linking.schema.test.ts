import { getTableName, is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { expect, test } from 'vitest';
import { referenceNames } from '../core/linking/linking.merge.ts';
import * as schema from '../db/schema/index.ts';

/**
 * 연결 merges two members in one transaction: every column that names a member must move. This reads the schema's
 * foreign keys to `members`, so a new table (or column) with a member in it fails here until the merge handles it
 * (core/linking/linking.merge.ts, MEMBER_REFERENCES).
 */
test('the merge handles every column of the schema that references a member', () => {
  const fromSchema = (Object.values(schema) as unknown[])
    .filter((value): value is PgTable => is(value, PgTable))
    .flatMap((table) =>
      getTableConfig(table).foreignKeys.flatMap((fk) => {
        const ref = fk.reference();
        if (ref.foreignTable !== (schema.members as unknown)) return [];
        return ref.columns.map((c) => `${getTableName(table)}.${c.name}`);
      }),
    );
  expect(fromSchema.length).toBeGreaterThan(15);
  expect([...new Set(referenceNames())].sort()).toEqual([...new Set(fromSchema)].sort());
});
