import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { importDistricts, importHeads, importVillages, type ImportResult } from '../../core/admin/admin.import.ts';
import { appoint } from '../../core/admin/appointments.ts';
import { createCipher } from '../../core/privacy/cipher.ts';
import { maskMobile } from '../../core/privacy/privacy.mask.ts';
import { checkMobile } from '../../core/registration/registration.validate.ts';
import { listDecidable } from '../../core/registration/registration.approver.usecases.ts';
import { formatKoreanDateTime } from '../../core/time/korean.format.ts';
import { openDatabase } from '../../db/db.client.ts';
import { seedDemo, truncateAll } from '../../db/seed/demo.seed.ts';
import { loadConfig, loadDotEnv } from '../app/app.config.ts';
import { loadSecretKey } from '../app/app.secret.ts';
import { nextSlot, slotOf } from '../../jobs/cron.slots.ts';
import { createJobs, createSummaryWriter } from '../../jobs/job.registry.ts';
import { lastRuns } from '../../jobs/job.runs.ts';
import { createJobScheduler } from '../../jobs/job.scheduler.ts';
import { systemClock } from '../../core/clock.port.ts';
import { signupsCsv } from '../../core/workshops/workshop.export.ts';
import { importWorkshops } from '../../core/workshops/workshop.import.ts';
import { josa } from '../../core/text/korean.text.ts';

const usage = `maeul admin — npm run cli -- <command>

  import-districts FILE [--county goseong --county-name 고성군]   columns: code,name_ko[,name_en,kind]
  import-villages FILE                                           columns: district_code,name_ko
  import-heads FILE                                              columns: district_code,village,mobile
  appoint --role district_staff|county_staff|admin --mobile 010-… [--district CODE]
  pending                                                        registrations waiting for a decision
  demo-reset [--yes]                                             empties the database and seeds the demo county
  jobs                                                           scheduled jobs: schedule, last run, next run
  run-job NAME                                                   runs a job now (claims this minute's slot)
  import-workshops FILE [--shift-to YYYY-MM-DD]                  columns: date,weekday_ko,district_code,title_ko,hours,capacity[,registration_closes_days_before,start_time,place,contact,note]
  workshop-signups N --out FILE                                  a workshop's sign-up list as CSV (names: for staff only)

A file is imported whole or not at all; each bad row is reported with its line number.`;

loadDotEnv();
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    county: { type: 'string', default: 'goseong' },
    'county-name': { type: 'string', default: '고성군' },
    role: { type: 'string' },
    mobile: { type: 'string' },
    district: { type: 'string' },
    yes: { type: 'boolean', default: false },
    'shift-to': { type: 'string' },
    out: { type: 'string' },
  },
});
const [command, file] = positionals;
if (!command || command === 'help') {
  console.log(usage);
  process.exit(command ? 0 : 2);
}

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR }).catch(
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
const cipher = createCipher(
  loadSecretKey({ secret: config.MAEUL_SECRET_KEY, databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR }),
);
const { db } = database;
const now = new Date();
let exitCode = 0;
const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };

function report(result: ImportResult): void {
  if (result.ok) {
    console.log(
      `가져왔습니다: ${result.imported}행${result.waiting ? ` (등록 승인을 기다리는 임명 ${result.waiting}건)` : ''}`,
    );
  } else {
    console.error(`가져오지 않았습니다 (아무것도 쓰지 않았습니다):\n${result.errors.map((e) => `  ${e}`).join('\n')}`);
    exitCode = 1;
  }
}

function readInput(): string {
  if (!file) {
    console.error('파일 경로를 알려 주세요.');
    process.exit(2);
  }
  return readFileSync(file, 'utf8');
}

try {
  switch (command) {
    case 'import-districts':
      report(await importDistricts(db, readInput(), { code: values.county, nameKo: values['county-name'] }));
      break;
    case 'import-villages':
      report(await importVillages(db, readInput()));
      break;
    case 'import-heads':
      report(await importHeads(db, cipher, readInput(), now));
      break;
    case 'appoint': {
      const role = values.role;
      const mobile = checkMobile(values.mobile ?? '');
      if (role !== 'district_staff' && role !== 'county_staff' && role !== 'admin')
        throw new Error('--role은 district_staff, county_staff, admin 중 하나입니다.');
      if (!mobile.ok) throw new Error(mobile.message);
      if (role === 'district_staff' && !values.district) throw new Error('읍면 담당자는 --district 코드가 필요합니다.');
      const outcome = await db.transaction((tx) =>
        appoint(tx, {
          mobileHash: cipher.blindIndex(mobile.value),
          role,
          villageId: null,
          districtCode: role === 'district_staff' ? (values.district ?? null) : null,
          now,
        }),
      );
      console.log(
        outcome === 'granted'
          ? `${maskMobile(mobile.value)}님께 ${role} 역할을 드렸습니다.`
          : `${maskMobile(mobile.value)}님이 등록을 마치고 승인되면 ${role} 역할이 주어집니다.`,
      );
      break;
    }
    case 'pending': {
      const { pending: rows } = await listDecidable({
        tx: db,
        decider: { memberId: -1, grants: [{ role: 'admin', villageId: null, districtCode: null }] },
      });
      if (rows.length === 0) console.log('기다리는 등록 신청이 없습니다.');
      for (const r of rows)
        console.log(
          `#${r.id}\t${r.realName ?? ''}\t${r.mobileEnc ? maskMobile(cipher.decrypt(r.mobileEnc)) : ''}\t${r.districtName} ${r.villageName}\t${formatKoreanDateTime(r.createdAt, config.COUNTY_TIMEZONE)}`,
        );
      break;
    }
    case 'demo-reset':
      if (database.kind === 'postgres' && !values.yes)
        throw new Error('PostgreSQL의 모든 데이터를 지웁니다. 정말이면 --yes를 붙여 주세요.');
      await truncateAll(db);
      console.log(JSON.stringify(await seedDemo(db, cipher, now)));
      break;
    case 'jobs': {
      const jobs = createJobs(config);
      const last = await lastRuns(
        db,
        jobs.map((j) => j.name),
      );
      const statusKo = { running: '실행 중', done: '완료', failed: '실패' } as const;
      for (const job of jobs) {
        const run = last.get(job.name);
        const next = nextSlot(job.schedule, now, config.COUNTY_TIMEZONE);
        console.log(
          [
            `${job.name}\t${job.description}`,
            `  일정: ${job.schedule} (${config.COUNTY_TIMEZONE})`,
            `  지난 실행: ${run ? `${formatKoreanDateTime(run.slot, config.COUNTY_TIMEZONE)} ${statusKo[run.status]}${run.result ? ` ${JSON.stringify(run.result)}` : ''}${run.error ? ` — ${run.error}` : ''}` : '없음'}`,
            `  다음 실행: ${next ? formatKoreanDateTime(next, config.COUNTY_TIMEZONE) : '32일 안에 없음'}`,
          ].join('\n'),
        );
      }
      break;
    }
    case 'run-job': {
      const jobs = createJobs(config);
      if (!file || !jobs.some((j) => j.name === file))
        throw new Error(`작업 이름을 알려 주세요: ${jobs.map((j) => j.name).join(', ')}`);
      const logger = { debug() {}, info() {}, warn() {}, error() {} };
      const scheduler = createJobScheduler({
        deps: {
          db,
          cipher,
          clock: systemClock,
          logger,
          timezone: config.COUNTY_TIMEZONE,
          summary: createSummaryWriter(config, logger),
        },
        jobs,
        graceMinutes: config.JOB_CATCHUP_GRACE_MINUTES,
      });
      const outcome = await scheduler.runSlot(file, slotOf(now));
      if (outcome.kind === 'ran') console.log(`실행했습니다: ${file} ${JSON.stringify(outcome.result)}`);
      else if (outcome.kind === 'taken')
        console.log(
          `이번 분(${formatKoreanDateTime(outcome.slot, config.COUNTY_TIMEZONE)})에는 이미 실행되었습니다. 잠시 뒤 다시 해 보세요.`,
        );
      else {
        console.error(`실패했습니다: ${outcome.kind === 'failed' ? outcome.error : outcome.kind}`);
        exitCode = 1;
      }
      break;
    }
    case 'import-workshops': {
      const listening = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`;
      const deps = {
        db,
        cipher,
        clock: systemClock,
        logger: quietLogger,
        timezone: config.COUNTY_TIMEZONE,
        publicUrl: () => config.PUBLIC_BASE_URL ?? listening,
      };
      const result = await importWorkshops({ deps, text: readInput(), shiftTo: values['shift-to'] });
      if (!result.ok) {
        report(result);
        break;
      }
      console.log(`가져왔습니다: 교육 ${result.imported}건 (주민·이장께 알린 교육 ${result.announced}건)`);
      for (const line of result.skipped) console.log(`  건너뜀 — ${line}`);
      break;
    }
    case 'workshop-signups': {
      if (!file || !/^\d+$/.test(file) || !values.out)
        throw new Error('교육 번호와 저장할 파일을 알려 주세요: workshop-signups 12 --out signups.csv');
      const result = await signupsCsv({ tx: db, workshopId: Number(file), timeZone: config.COUNTY_TIMEZONE });
      if (result.kind === 'not_found') throw new Error(`교육 ${josa(`#${file}`, '을/를')} 찾지 못했습니다.`);
      // The list names people: it goes only to the file the admin named, never to the terminal or a log.
      writeFileSync(values.out, `\uFEFF${result.csv}`, { mode: 0o600 });
      console.log(`교육 #${file} 신청 명단 ${result.rows}명을 ${values.out}에 저장했습니다.`);
      break;
    }
    default:
      console.error(`알 수 없는 명령입니다: ${command}\n\n${usage}`);
      exitCode = 2;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  exitCode = 1;
} finally {
  await database.close();
}
process.exit(exitCode);
