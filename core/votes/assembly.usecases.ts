import { randomInt } from 'node:crypto';
import type { DbOrTx } from '../../db/db.client.ts';
import { can } from '../auth/authz.policy.ts';
import { recordAudit } from '../audit/audit.usecases.ts';
import type { CoreDeps } from '../core.deps.ts';
import type { AuditVia } from '../../db/schema/audit.schema.ts';
import { voteKey } from '../delivery/delivery.keys.ts';
import { enqueueToMember } from '../delivery/outbox.write.ts';
import { tellStaff } from '../staff/staff.rooms.ts';
import { formatKoreanDateTime } from '../time/korean.format.ts';
import * as repo from './assembly.repository.ts';
import type { Assembly } from './assembly.repository.ts';
import { findDistrict } from './budget.repository.ts';
import * as polls from './poll.repository.ts';
import { announceResults, sealPoll } from './poll.close.usecases.ts';
import { storePoll, type Poll, type PollOption, type Staff } from './poll.usecases.ts';
import { quorum } from './votes.rules.ts';

type Ctx = { tx: DbOrTx; deps: CoreDeps };
export type { Assembly };

/** Each agenda item is decided by those present: for, against, abstain. */
export const AGENDA_OPTIONS = ['찬성', '반대', '기권'];
/** Check-in opens this long before the start, as for workshops. */
export const EARLY_CHECK_IN_MS = 30 * 60_000;
export const MAX_WRONG_CODES = 5;

export type CreateAssemblyResult =
  | { kind: 'created'; assembly: Assembly; agenda: Poll[]; told: number; districtName: string }
  | { kind: 'unknown_district' }
  | { kind: 'forbidden' }
  | { kind: 'invalid' };

/**
 * 주민총회: an assembly of one district with its agenda items, each a poll of those present, open during the
 * assembly's window. Its residents are told where and when; the check-in code is for the staff to say at the venue.
 */
export async function createAssembly(
  input: Ctx & {
    staff: Staff;
    via?: AuditVia;
    assembly: {
      title: string;
      where: string;
      place: string;
      startsAt: Date;
      endsAt: Date;
      agenda: string[];
      quorumPercent?: number;
    };
  },
): Promise<CreateAssemblyResult> {
  const { tx, deps, assembly: a } = input;
  const now = deps.clock.now();
  const district = await findDistrict(tx, a.where);
  if (!district) return { kind: 'unknown_district' };
  if (!can(input.staff.grants, 'vote.manage', { districtCode: district.code })) return { kind: 'forbidden' };
  const agenda = a.agenda.map((item) => item.trim()).filter(Boolean);
  if (
    !a.title.trim() ||
    !a.place.trim() ||
    agenda.length === 0 ||
    agenda.length > 10 ||
    !(now < a.endsAt && a.startsAt < a.endsAt)
  )
    return { kind: 'invalid' };
  const used = await repo.codesInUse(tx);
  const newCode = () => String(randomInt(10_000)).padStart(4, '0');
  let code = newCode();
  while (used.has(code)) code = newCode();
  const assembly = await repo.insertAssembly(tx, {
    title: a.title.trim(),
    districtCode: district.code,
    place: a.place.trim(),
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    checkInCode: code,
    quorumPercent: a.quorumPercent ?? 10,
    createdBy: input.staff.memberId,
    createdAt: now,
  });
  await recordAudit(input, {
    actorMemberId: input.staff.memberId,
    action: 'assembly.create',
    subject: `assembly:${assembly.id}`,
    scope: { districtCode: district.code },
    via: input.via ?? 'chat',
  });
  const items: Poll[] = [];
  for (const [i, question] of agenda.entries()) {
    const created = await storePoll({
      tx,
      deps,
      createdBy: input.staff.memberId,
      kind: 'agenda',
      electorateOverride: 'attendees',
      poll: {
        question: `안건 ${i + 1}. ${question}`,
        options: AGENDA_OPTIONS,
        maxChoices: 1,
        allowChange: false,
        districtCode: district.code,
        electorate: { kind: 'residents' },
        opensAt: a.startsAt,
        closesAt: a.endsAt,
      },
      extra: { assemblyId: assembly.id },
    });
    if (created.kind !== 'created') throw new Error(`agenda poll not created: ${created.kind}`);
    items.push(created.poll);
  }
  const text =
    `[주민총회] ${district.nameKo} 「${assembly.title}」\n일시: ${formatKoreanDateTime(assembly.startsAt, deps.timezone)} ~ ${formatKoreanDateTime(assembly.endsAt, deps.timezone)}\n장소: ${assembly.place}\n` +
    `안건: ${agenda.map((q, i) => `${i + 1}. ${q}`).join(' · ')}\n오셔서 안내받은 번호로 "총회 출석 번호"를 보내시면 안건에 투표하실 수 있습니다.`;
  let told = 0;
  for (const memberId of await polls.residentMembers(tx, district.code))
    if (
      await enqueueToMember(tx, deps, {
        memberId,
        purpose: 'vote.announce',
        dedupeKey: voteKey({ subject: 'assembly', id: assembly.id, part: `announce:${memberId}` }),
        messages: [{ text }],
      })
    )
      told++;
  return { kind: 'created', assembly, agenda: items, told, districtName: district.nameKo };
}

export type CheckInResult =
  | { kind: 'checked_in'; assembly: Assembly; ballots: { poll: Poll; options: PollOption[] }[] }
  | { kind: 'already'; assembly: Assembly; ballots: { poll: Poll; options: PollOption[] }[] }
  | { kind: 'none_open' }
  | { kind: 'wrong_code'; left: number }
  | { kind: 'locked' }
  | { kind: 'not_resident' };

/**
 * 총회 출석 <code>: a resident of the district checks in from 30 minutes before the start to the end. Five wrong codes
 * and only the staff at the venue can help. Agenda items already open come back as ballots to answer at once.
 */
export async function checkInAssembly(
  input: Ctx & { memberId: number; districtCode: string | null; isResident: boolean; code: string },
): Promise<CheckInResult> {
  const { tx, deps } = input;
  if (!input.isResident || !input.districtCode) return { kind: 'not_resident' };
  const now = deps.clock.now();
  const open = await repo.checkInOpen(tx, input.districtCode, now, EARLY_CHECK_IN_MS);
  const first = open[0];
  if (!first) return { kind: 'none_open' };
  if ((await repo.wrongCodes(tx, first.id, input.memberId)) >= MAX_WRONG_CODES) return { kind: 'locked' };
  const assembly = open.find((a) => a.checkInCode === input.code.trim());
  if (!assembly) {
    const wrong = await repo.addWrongCode(tx, first.id, input.memberId);
    return wrong >= MAX_WRONG_CODES ? { kind: 'locked' } : { kind: 'wrong_code', left: MAX_WRONG_CODES - wrong };
  }
  const fresh = await repo.markPresent(tx, assembly.id, input.memberId, now);
  const ballots = [];
  for (const poll of await polls.pollsOfAssembly(tx, assembly.id))
    if (poll.status === 'open' && !(await polls.hasVoted(tx, poll.id, input.memberId)))
      ballots.push({ poll, options: await polls.optionsOf(tx, poll.id) });
  return { kind: fresh ? 'checked_in' : 'already', assembly, ballots };
}

export type AssemblyStatus = {
  assembly: Assembly;
  attended: number;
  residents: number;
  quorum: ReturnType<typeof quorum>;
  agenda: { poll: Poll; voters: number }[];
};

export async function assemblyStatus(
  input: Ctx & { staff: Staff; assemblyId: number },
): Promise<{ kind: 'status'; status: AssemblyStatus } | { kind: 'not_found' } | { kind: 'forbidden' }> {
  const assembly = await repo.getAssembly(input.tx, input.assemblyId);
  if (!assembly) return { kind: 'not_found' };
  if (!can(input.staff.grants, 'vote.manage', { districtCode: assembly.districtCode })) return { kind: 'forbidden' };
  return { kind: 'status', status: await statusOf(input.tx, assembly) };
}

/** The recent assemblies of the staff member's scope, with attendance and quorum (the console's 투표 page). */
export async function assembliesOfScope(input: Ctx & { staff: Staff; limit?: number }): Promise<AssemblyStatus[]> {
  const out: AssemblyStatus[] = [];
  for (const assembly of await repo.recentAssemblies(input.tx, 100)) {
    if (!can(input.staff.grants, 'vote.manage', { districtCode: assembly.districtCode })) continue;
    out.push(await statusOf(input.tx, assembly));
    if (out.length >= (input.limit ?? 10)) break;
  }
  return out;
}

async function statusOf(tx: DbOrTx, assembly: Assembly): Promise<AssemblyStatus> {
  const attended = assembly.attendedAtClose ?? (await repo.countPresent(tx, assembly.id));
  const residents = assembly.residentsAtClose ?? (await polls.residentsOfDistrict(tx, assembly.districtCode));
  const agenda = [];
  for (const poll of await polls.pollsOfAssembly(tx, assembly.id))
    agenda.push({ poll, voters: poll.votersAtClose ?? (await polls.countVoters(tx, poll.id)) });
  return {
    assembly,
    attended,
    residents,
    quorum: quorum({ attended, residents, percent: assembly.quorumPercent }),
    agenda,
  };
}

/**
 * The assembly's end: its agenda items close (sealed, results to those present and to staff, each with the quorum),
 * and the staff get the attendance against the district's registered residents.
 */
export async function closeAssembly(input: Ctx & { assemblyId: number }): Promise<AssemblyStatus | null> {
  const { tx, deps } = input;
  const assembly = await repo.getAssembly(tx, input.assemblyId, true);
  if (!assembly || assembly.closedAt) return null;
  const before = await statusOf(tx, assembly);
  const q = before.quorum;
  const quorumLine = `참석 ${before.attended}명 / 등록 주민 ${before.residents}명 (${q.sharePercent}%) · 정족수 ${q.needed}명 ${q.met ? '충족' : '미달'}`;
  for (const poll of await polls.pollsOfAssembly(tx, assembly.id)) {
    const closed = await sealPoll({ tx, deps, pollId: poll.id });
    if (closed) await announceResults({ tx, deps, closed, footer: quorumLine });
  }
  const done = await repo.updateAssembly(tx, assembly.id, {
    closedAt: deps.clock.now(),
    residentsAtClose: before.residents,
    attendedAtClose: before.attended,
  });
  await tellStaff(tx, deps, {
    districtCode: assembly.districtCode,
    key: voteKey({ subject: 'assembly', id: assembly.id, part: 'report' }),
    purpose: 'vote.staff',
    messages: [{ text: `[주민총회 마침] 「${assembly.title}」 ${quorumLine}` }],
  });
  return statusOf(tx, done);
}
