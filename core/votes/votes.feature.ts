import { defineFeature } from '../conversation/feature.types.ts';
import { assemblyCheckInCommand, assemblyStatusCommand, createAssemblyCommand } from './assembly.commands.ts';
import {
  createBudgetCommand,
  proposeCommand,
  proposeDialog,
  screenCommand,
  screenListCommand,
} from './budget.commands.ts';
import { pollStatusCommand, voteCommand } from './poll.commands.ts';
import { pollCreateDialog, startPollCreate, voteDialog } from './poll.dialog.ts';

// Turnout, proposals and check-in codes: a 1:1 chat or a staff room, never a village group.
const staffPlaces = ['direct', 'staff_room'] as const;

/** 투표: secret-ballot polls, participatory budget (주민참여예산) and resident assemblies (주민총회). */
export const votesFeature = defineFeature({
  name: 'votes',
  commands: [
    {
      id: 'vote',
      ko: ['투표'],
      en: ['vote', 'votes'],
      where: ['direct'],
      requires: 'registered',
      menu: { label: '투표', order: 27, for: 'approved' },
      slash: {
        name: 'vote',
        ko: '투표',
        description: 'Open votes you may join',
        koDescription: '참여할 수 있는 투표를 봅니다',
      },
      handle: (turn, args) => voteCommand(turn, args),
    },
    {
      id: 'budget_propose',
      ko: ['예산 제안', '사업 제안'],
      en: ['propose'],
      where: ['direct'],
      requires: 'approved',
      opensDialog: 'budget_propose',
      menu: { label: '주민참여예산 제안', order: 28 },
      handle: (turn) => proposeCommand(turn),
    },
    {
      id: 'assembly_check_in',
      ko: ['총회 출석'],
      en: ['assembly check in'],
      where: ['direct'],
      requires: 'approved',
      typedOnly: 'at the assembly, with the code the staff announce there',
      handle: (turn, args) => assemblyCheckInCommand(turn, args),
    },
    {
      id: 'poll_create',
      ko: ['투표 만들기'],
      en: ['new poll'],
      where: ['direct'],
      requires: { action: 'vote.manage' },
      opensDialog: 'poll_create',
      menu: { label: '투표 만들기', order: 62 },
      handle: (turn) => startPollCreate(turn),
    },
    {
      id: 'poll_status',
      ko: ['투표 현황'],
      en: ['poll status'],
      where: staffPlaces,
      requires: { action: 'vote.manage' },
      menu: { label: '투표 현황', order: 63 },
      handle: (turn, args) => pollStatusCommand(turn, args),
    },
    {
      id: 'budget_create',
      ko: ['예산 만들기'],
      en: ['new budget'],
      where: staffPlaces,
      requires: { action: 'vote.manage' },
      menu: { label: '주민참여예산 열기', order: 64 },
      handle: (turn, args) => createBudgetCommand(turn, args),
    },
    {
      id: 'proposal_screen',
      ko: ['제안 심사'],
      en: ['proposals'],
      where: staffPlaces,
      requires: { action: 'vote.manage' },
      menu: { label: '제안 심사', order: 65 },
      handle: (turn) => screenListCommand(turn),
    },
    {
      id: 'proposal_accept',
      ko: ['제안 채택'],
      en: ['accept proposal'],
      where: staffPlaces,
      requires: { action: 'vote.manage' },
      typedOnly: 'with the proposal number from 제안 심사',
      handle: (turn, args) => screenCommand(turn, args, 'accept'),
    },
    {
      id: 'proposal_reject',
      ko: ['제안 반려'],
      en: ['reject proposal'],
      where: staffPlaces,
      requires: { action: 'vote.manage' },
      typedOnly: 'with the proposal number from 제안 심사 and the reason',
      handle: (turn, args) => screenCommand(turn, args, 'reject'),
    },
    {
      id: 'assembly_create',
      ko: ['총회 만들기'],
      en: ['new assembly'],
      where: staffPlaces,
      requires: { action: 'vote.manage' },
      menu: { label: '주민총회 만들기', order: 66 },
      handle: (turn, args) => createAssemblyCommand(turn, args),
    },
    {
      id: 'assembly_status',
      ko: ['총회 현황'],
      en: ['assembly status'],
      where: staffPlaces,
      requires: { action: 'vote.manage' },
      typedOnly: 'with the assembly number given when it was made',
      handle: (turn, args) => assemblyStatusCommand(turn, args),
    },
  ],
  dialogs: [voteDialog, pollCreateDialog, proposeDialog],
});
