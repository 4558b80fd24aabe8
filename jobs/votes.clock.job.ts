import { runVoteClock } from '../core/votes/votes.clock.usecases.ts';
import type { Job } from './job.types.ts';

/**
 * Every minute: polls open and close on time (ballots sent, results announced), budget rounds move on, assemblies
 * end with their quorum reported, and the ballots of polls that got votes are mixed (README, "Votes (투표)").
 */
export function voteClockJob(schedule = '* * * * *'): Job {
  return {
    name: 'vote-clock',
    schedule,
    description: '투표 열기·마감·결과 알림, 주민참여예산 단계, 주민총회 마침, 투표지 섞기',
    run: (deps, now) => runVoteClock({ deps, now }),
  };
}
