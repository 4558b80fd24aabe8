import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { and, eq, getTableName, inArray, or } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { enqueueToMember } from '../core/delivery/outbox.write.ts';
import { recordSend } from '../core/phone/phone.delivery.usecases.ts';
import { reclaimsDone } from '../core/registration/withdrawal.reclaim.ts';
import { createBudgetRound, proposeProject } from '../core/votes/budget.usecases.ts';
import { createWorkshop } from '../core/workshops/workshop.usecases.ts';
import { openPglite, pgliteOptions } from '../db/db.client.ts';
import * as schema from '../db/schema/index.ts';
import {
  budgetProposals,
  dialogStates,
  identities,
  outbox,
  registrations,
  roles,
  villages,
  workshopSignups,
} from '../db/schema/index.ts';
import { registerApproved, registerResident } from './support/registration.flow.ts';
import { simClient } from './support/sim.client.ts';
import { startTestApp, type TestApp } from './support/test.app.ts';

const HEAD = 'head-goseong-eup-1'; // 고성읍 고성1리

async function memberOf(t: TestApp, userId: string): Promise<number> {
  const [row] = await t.database.db
    .select({ id: identities.memberId })
    .from(identities)
    .where(eq(identities.platformUserId, userId));
  return row?.id ?? -1;
}

async function withdraw(sim: ReturnType<typeof simClient>, id: string): Promise<string> {
  expect((await sim.say(id, '탈퇴'))[0]).toContain('탈퇴할까요');
  return (await sim.say(id, '1')).join('\n');
}

describe('탈퇴 on the database in use', () => {
  let t: TestApp;
  let sim: ReturnType<typeof simClient>;
  beforeAll(async () => {
    t = await startTestApp();
    sim = simClient(t.app.url);
  });
  afterAll(() => t.stop());

  test('a resident who withdraws at night before the head saw the request: the held request never reaches the head at 07:00 and the registration is cancelled', async () => {
    t.clock.set('2026-11-24T13:30:00Z'); // 22:30 KST: the head's quiet hours
    const { id } = await registerResident(sim, { nickname: '밤하늘', name: '김하늘', mobile: '010-3100-0001' });
    const memberId = await memberOf(t, id);
    const held = await t.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.aboutMemberId, memberId), eq(outbox.purpose, 'registration.request')));
    expect(held).toHaveLength(1);
    expect(held[0]?.status).toBe('queued');

    const answer = await withdraw(sim, id);
    expect(answer).toContain('이름과 휴대전화 번호를 지웠습니다');
    expect(answer).toContain('기다리던 등록 신청은 취소했습니다');

    t.clock.set('2026-11-24T22:00:00Z'); // 07:00 KST
    await t.app.delivery.flush();
    const head = await sim.chat('direct', HEAD);
    expect(head.some((m) => m.text.includes('김하늘'))).toBe(false);
    const [registration] = await t.database.db.select().from(registrations).where(eq(registrations.memberId, memberId));
    expect(registration).toMatchObject({ status: 'withdrawn', realName: null, mobileEnc: null, mobileHash: null });
    expect(
      await t.database.db
        .select()
        .from(outbox)
        .where(
          and(
            or(eq(outbox.memberId, memberId), eq(outbox.aboutMemberId, memberId)),
            inArray(outbox.status, ['queued', 'retrying']),
          ),
        ),
    ).toEqual([]);
    // The head may still be asked for the list: nothing about them is waiting.
    expect((await sim.say(HEAD, '승인'))[0]).not.toContain('김하늘');
  });

  test('a message held for the quiet hours of a person who then withdraws does not go out to them', async () => {
    t.clock.set('2026-11-25T01:00:00Z'); // 10:00 KST
    const id = await registerApproved(sim, { nickname: '별', name: '박별님', mobile: '010-3100-0002', head: HEAD });
    const memberId = await memberOf(t, id);
    t.clock.set('2026-11-25T13:00:00Z'); // 22:00 KST
    await t.database.db.transaction((tx) =>
      enqueueToMember(tx, t.app.deps, {
        memberId,
        messages: [{ text: '[교육] 내일 아침 안내: 박별님' }],
        purpose: 'workshop.reminder',
        dedupeKey: 'test:held-for-withdrawn',
      }),
    );
    expect(await withdraw(sim, id)).toContain('탈퇴했습니다');
    t.clock.set('2026-11-25T22:00:00Z'); // 07:00 KST
    await t.app.delivery.flush();
    expect((await sim.chat('direct', id)).some((m) => m.text.includes('내일 아침 안내'))).toBe(false);
  });

  test("after 탈퇴 no row of any table, and no stored message to anyone, carries the person's name", async () => {
    t.clock.set('2026-11-25T03:00:00Z'); // 12:00 KST
    const NAME = '황보솔잎';
    const { id } = await registerResident(sim, { nickname: '솔잎', name: NAME, mobile: '010-3100-0005' });
    // The head is shown the name in the request, in the 승인 list and in the confirmation of the decision.
    expect((await sim.say(HEAD, '승인'))[0]).toContain(NAME);
    const registrationId = /#(\d+)/.exec((await sim.chat('direct', HEAD)).at(-1)?.text ?? '')?.[1];
    expect((await sim.press(HEAD, `승인 ${registrationId}`))[0]).toContain(NAME);
    await t.app.delivery.flush();

    expect(await withdraw(sim, id)).toContain('탈퇴했습니다');
    const tables = Object.values(schema as Record<string, unknown>).filter((v): v is PgTable => v instanceof PgTable);
    for (const table of tables)
      expect(JSON.stringify(await t.database.db.select().from(table)), getTableName(table)).not.toContain(NAME);
    const bodies = await t.database.db.select({ sealed: outbox.messagesEnc }).from(outbox);
    const opened = bodies.flatMap((b) => (b.sealed ? [t.app.deps.cipher.decrypt(b.sealed)] : []));
    // The rows that name nobody stay readable (the head's other answers).
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.filter((text) => text.includes(NAME))).toEqual([]);
  });

  test('a resident registered by the head (대신 등록) and withdrawn by the head: no phone identity, consent, message record or blind index of the number remains', async () => {
    t.clock.set('2026-11-25T04:00:00Z'); // 13:00 KST
    const NAME = '남궁전화';
    for (const say of ['대신 등록', NAME, '010-3100-0009', '1']) await sim.say(HEAD, say);
    const made = (await sim.say(HEAD, '1')).join('\n');
    const registrationId = /#(\d+)/.exec(made)?.[1];
    expect(registrationId).toBeDefined();
    const hash = t.app.deps.cipher.blindIndex('+821031000009');
    const [phone] = await t.database.db.select().from(identities).where(eq(identities.platformUserId, hash));
    expect(phone?.platform).toBe('phone');
    // A message the phone channel sent them, as its sender records it.
    await recordSend({
      deps: t.app.deps,
      retryKey: 'test:erasure-sms',
      kind: 'lms',
      groupId: 'G-TEST',
      messages: [{ text: `${NAME}님, 대신 등록되었습니다` }],
      fallsBack: true,
      accepted: [
        { target: { recipient: hash, memberId: phone?.memberId ?? 0, mobile: '+821031000009' }, messageId: 'M-TEST' },
      ],
      refused: [],
    });
    expect((await sim.say(HEAD, `대신 탈퇴 ${registrationId}`))[0]).toContain('이름과 번호를 지웠습니다');
    const tables = Object.values(schema as Record<string, unknown>).filter((v): v is PgTable => v instanceof PgTable);
    for (const table of tables) {
      const rows = JSON.stringify(await t.database.db.select().from(table));
      expect(rows, getTableName(table)).not.toContain(NAME);
      expect(rows, getTableName(table)).not.toContain(hash);
      expect(rows, getTableName(table)).not.toContain('31000009');
    }
    const sends = await t.database.db.select().from(schema.phoneSends);
    expect(sends.every((s) => s.messagesEnc === null || !t.app.deps.cipher.decrypt(s.messagesEnc).includes(NAME))).toBe(
      true,
    );
  });

  test('탈퇴 sent in the middle of another dialog leaves no dialog behind, not even the one set aside', async () => {
    const id = await registerApproved(sim, {
      head: HEAD,
      nickname: '쓰다가',
      name: '쓰다가간',
      mobile: '010-3100-0012',
    });
    // 설정 asks with numbered topics, so a command word sets it aside (feedback text would be taken as the text).
    expect((await sim.say(id, '설정')).join('\n')).toContain('지금 설정입니다');
    expect((await sim.say(id, '탈퇴')).join('\n')).toContain('잠시 두었습니다');
    expect((await sim.say(id, '1')).join('\n')).toContain('탈퇴했습니다');
    const [identity] = await t.database.db
      .select({ id: identities.id })
      .from(identities)
      .where(eq(identities.platformUserId, id));
    const left = await t.database.db
      .select()
      .from(dialogStates)
      .where(eq(dialogStates.identityId, identity?.id ?? -1));
    expect(left).toEqual([]);
    expect((await sim.say(id, '계속')).join('\n')).not.toContain('지금 설정입니다');
  });

  test('a village head who withdraws is no longer the head: no role, no approvals, no village names', async () => {
    const head = 'head-hail-1';
    const memberId = await memberOf(t, head);
    expect(await t.database.db.select().from(roles).where(eq(roles.memberId, memberId))).not.toEqual([]);
    expect(await withdraw(sim, head)).toContain('탈퇴했습니다');
    expect(await t.database.db.select().from(roles).where(eq(roles.memberId, memberId))).toEqual([]);
    expect((await sim.say(head, '승인')).join('\n')).toContain('이장님과 담당 공무원만 할 수 있습니다');
  });

  test("a participatory-budget proposal stays on the district's list without its author after 탈퇴", async () => {
    t.clock.set('2026-11-25T03:00:00Z');
    const id = await registerApproved(sim, { head: HEAD, nickname: '제안', name: '제안하는', mobile: '010-3100-0011' });
    const memberId = await memberOf(t, id);
    const [village] = await t.database.db
      .select({ districtCode: villages.districtCode })
      .from(villages)
      .innerJoin(registrations, eq(registrations.villageId, villages.id))
      .where(eq(registrations.memberId, memberId));
    const districtCode = village?.districtCode ?? '';
    const proposal = await t.database.db.transaction(async (tx) => {
      const ctx = { tx, deps: t.app.deps };
      const round = await createBudgetRound({
        ...ctx,
        staff: { memberId, grants: [{ role: 'county_staff', villageId: null, districtCode: null }] },
        round: {
          title: '2027 주민참여예산',
          where: districtCode,
          proposalsCloseAt: new Date('2026-11-27T09:00:00Z'),
          votingOpensAt: new Date('2026-11-28T00:00:00Z'),
          votingClosesAt: new Date('2026-11-30T09:00:00Z'),
          budgetKrw: 10_000_000,
        },
      });
      expect(round.kind).toBe('created');
      return proposeProject({
        ...ctx,
        memberId,
        districtCode,
        isResident: true,
        proposal: { title: '마을 쉼터 그늘막', description: '정류장 옆 그늘막 두 개', costKrw: 3_000_000 },
      });
    });
    expect(proposal.kind).toBe('proposed');
    await t.app.delivery.flush();

    expect(await withdraw(sim, id)).toContain('탈퇴했습니다');
    const rows = await t.database.db
      .select()
      .from(budgetProposals)
      .where(eq(budgetProposals.title, '마을 쉼터 그늘막'));
    expect(rows.map((r) => r.memberId)).toEqual([null]);
  });

  test("a withdrawn person's workshop place goes to the first on the waitlist, who is told", async () => {
    t.clock.set('2026-11-26T01:00:00Z'); // 11.26.(목) 10:00 KST
    const created = await t.database.db.transaction((tx) =>
      createWorkshop({
        tx,
        deps: t.app.deps,
        creator: null,
        workshop: {
          title: '마을 기록 교실',
          districtCode: 'goseong-eup',
          place: '고성읍 주민자치센터',
          startsAt: new Date('2026-12-10T05:00:00Z'),
          minutes: 120,
          capacity: 1,
        },
      }),
    );
    if (created.kind !== 'created') throw new Error(created.kind);
    const workshopId = created.workshop.id;
    const first = await registerApproved(sim, {
      nickname: '첫째',
      name: '이첫째',
      mobile: '010-3100-0003',
      head: HEAD,
    });
    const second = await registerApproved(sim, {
      nickname: '둘째',
      name: '이둘째',
      mobile: '010-3100-0004',
      head: HEAD,
    });
    expect((await sim.say(first, `교육 신청 ${workshopId}`)).join('\n')).toContain('확정');
    expect((await sim.say(second, `교육 신청 ${workshopId}`)).join('\n')).toContain('대기');

    expect(await withdraw(sim, first)).toContain('교육 자리는 다음 분께 넘겼습니다');
    await t.app.delivery.flush();
    const seats = await t.database.db
      .select({ memberId: workshopSignups.memberId, status: workshopSignups.status })
      .from(workshopSignups)
      .where(eq(workshopSignups.workshopId, workshopId));
    expect(seats).toEqual(
      expect.arrayContaining([
        { memberId: await memberOf(t, first), status: 'cancelled' },
        { memberId: await memberOf(t, second), status: 'confirmed' },
      ]),
    );
    expect((await sim.chat('direct', second)).at(-1)?.text).toContain('자리가 나서 대기하시던');
  });
});

/** Every file under `dir` whose bytes contain `needle`, as paths relative to `dir`. */
function filesContaining(dir: string, needle: string): string[] {
  const bytes = Buffer.from(needle, 'utf8');
  const found: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path)) {
      const full = join(path, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (readFileSync(full).includes(bytes)) found.push(full.slice(dir.length + 1));
    }
  };
  walk(dir);
  return found;
}

// The embedded database on disk, as `npm start` keeps it; PostgreSQL's files are the server's (autovacuum).
describe.skipIf(Boolean(inject('pgTemplateUrl')))('탈퇴 on the embedded database, on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'maeul-erasure-'));
  const dataDir = join(dir, 'pglite');
  let t: TestApp;
  const open = async (seeded: boolean) =>
    openPglite(
      new PGlite(dataDir, {
        ...pgliteOptions,
        ...(seeded ? { loadDataDir: new Blob([readFileSync(inject('pgliteDump'))]) } : {}),
      }),
      { migrate: false },
    );
  /** Stops the app and closes the database files, then opens them again: a process restart. */
  const restart = async () => {
    await t.stop();
    t = await startTestApp({ database: await open(false) });
  };
  beforeAll(async () => {
    t = await startTestApp({ database: await open(true) });
  });
  afterAll(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("after 탈퇴 and a restart, the person's name is in none of the table files", async () => {
    const sim = simClient(t.app.url);
    const NAME = '예다솜누리';
    const id = await registerApproved(sim, { nickname: '누리', name: NAME, mobile: '010-3100-0009', head: HEAD });
    await restart();
    // The control: the name is on disk, in the registrations table (the grep can see it).
    expect(filesContaining(join(dataDir, 'base'), NAME).length).toBeGreaterThan(0);

    expect(await withdraw(simClient(t.app.url), id)).toContain('이름과 휴대전화 번호를 지웠습니다');
    await reclaimsDone();
    await restart();
    expect(filesContaining(join(dataDir, 'base'), NAME)).toEqual([]);
    // The database still works after the rewrite.
    expect((await simClient(t.app.url).say(id, '등록'))[0]).toContain('개인정보 수집·이용 동의');
  }, 120_000);
});
