import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { importDistricts, importHeads, importVillages } from '../core/admin/admin.import.ts';
import type { DatabaseHandle } from '../db/db.client.ts';
import { districts, identities, roles, villages } from '../db/schema/index.ts';
import { registerResident } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';
import { testCipher } from './support/test.keys.ts';

let t: TestApp;
let db: DatabaseHandle['db'];
beforeAll(async () => {
  t = await startTestApp();
  db = t.database.db;
});
afterAll(() => t.stop());

describe('admin imports from CSV', () => {
  test('a file with a bad row is reported by line number and nothing of it is imported', async () => {
    const before = await db.select().from(villages);
    const result = await importVillages(db, 'district_code,name_ko\ngoseong-eup,새터마을\nnowhere,없는마을\nsamsan,\n');
    expect(result).toEqual({
      ok: false,
      errors: ['3행: 읍면 코드 "nowhere"를 찾을 수 없습니다.', '4행: 마을 이름(name_ko)을 1~30자로 써 주세요.'],
    });
    expect(await db.select().from(villages)).toHaveLength(before.length);
  });

  test('a good file of villages is imported, and importing it again adds nothing', async () => {
    const csv = 'district_code,name_ko\ngoseong-eup,새터마을\nsamsan,바닷가마을\n';
    expect(await importVillages(db, csv)).toEqual({ ok: true, imported: 2, waiting: 0 });
    expect(await importVillages(db, csv)).toMatchObject({ ok: true });
    expect(await db.select().from(villages).where(eq(villages.nameKo, '새터마을'))).toHaveLength(1);
  });

  test('districts import with their kind taken from the name, and a missing column is named', async () => {
    expect(
      await importDistricts(db, 'code,name_ko\nnew-dong,새동\n', { code: 'goseong', nameKo: '고성군' }),
    ).toMatchObject({ ok: true, imported: 1 });
    expect((await db.select().from(districts).where(eq(districts.code, 'new-dong')))[0]?.kind).toBe('dong');
    expect(await importDistricts(db, 'code\nx\n', { code: 'goseong', nameKo: '고성군' })).toEqual({
      ok: false,
      errors: ['1행: 필요한 열이 없습니다: name_ko'],
    });
  });

  test('a rostered village head gets the role once their registration is approved by district staff', async () => {
    const roster =
      'district_code,village,mobile\ngoseong-eup,새터마을,010-4242-4242\ngoseong-eup,고성1리,02-123-4567\n';
    const bad = await importHeads(db, testCipher(), roster, t.clock.now());
    expect(bad).toEqual({ ok: false, errors: [expect.stringMatching(/^3행: 집 전화나 사무실 전화/)] });
    expect(await importHeads(db, testCipher(), roster.split('\n').slice(0, 2).join('\n'), t.clock.now())).toEqual({
      ok: true,
      imported: 1,
      waiting: 1,
    });

    const sim = simClient(t.app.url);
    const { id } = await registerResident(sim, {
      nickname: '새 이장',
      name: '문새터',
      mobile: '01042424242',
      village: '4',
    });
    // 새터마을 has no head yet: the request goes to the district's staff.
    const request = (await sim.chat('direct', 'staff-goseong-eup')).at(-1);
    expect(request?.text).toContain('문새터');
    const number = /#(\d+)/.exec(request?.text ?? '')?.[1];
    await sim.press('staff-goseong-eup', `승인 ${number}`);
    const [identity] = await db.select().from(identities).where(eq(identities.platformUserId, id));
    const granted = await db
      .select()
      .from(roles)
      .where(eq(roles.memberId, identity?.memberId ?? -1));
    expect(granted).toMatchObject([{ role: 'village_head' }]);
  });
});
