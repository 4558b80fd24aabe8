import { afterEach, expect, test, vi } from 'vitest';
import { scheduleTicks } from '../jobs/job.scheduler.ts';
import type { Job } from '../jobs/job.types.ts';

const job: Job = { name: 'staff-digest', schedule: '30 8 * * *', description: 'd', run: async () => ({}) };

afterEach(() => {
  vi.useRealTimers();
});

async function ticksBetween(fromIso: string, ms: number): Promise<string[]> {
  vi.useFakeTimers();
  vi.setSystemTime(new Date(fromIso));
  const slots: string[] = [];
  const tasks = scheduleTicks([job], 'Asia/Seoul', async (_job, slot) => {
    slots.push(slot.toISOString());
  });
  await vi.advanceTimersByTimeAsync(ms);
  for (const task of tasks) await task.destroy();
  return slots;
}

test('node-cron fires an 08:30 KST job at 23:30 UTC of the day before, handing over that minute as the slot', async () => {
  expect(await ticksBetween('2026-11-23T23:29:50Z', 20_000)).toEqual(['2026-11-23T23:30:00.000Z']);
});

test('it does not fire at 08:30 UTC (17:30 in Korea)', async () => {
  expect(await ticksBetween('2026-11-23T08:29:50Z', 20_000)).toEqual([]);
});
