import { z } from 'zod';
import { defineDialog, defineFeature } from '../conversation/feature.types.ts';
import {
  certificatesCommand,
  checkInCommand,
  signUpCommand,
  withdrawCommand,
  workshopsCommand,
} from './workshop.commands.ts';
import { workshopCreateConfirmDialog } from './workshop.create.dialog.ts';
import { continueWorkshops } from './workshop.dialog.ts';
import {
  cancelWorkshopCommand,
  createWorkshopCommand,
  markAttendanceCommand,
  rescheduleCommand,
  workshopStatusCommand,
} from './workshop.staff.commands.ts';

// Lists of who signed up (names) and the check-in code: a 1:1 chat or a staff room, never a village group.
const staffPlaces = ['direct', 'staff_room'] as const;

/** 교육: sign-up with a waitlist, reminders, attendance and certificates; staff create and manage workshops. */
export const workshopsFeature = defineFeature({
  name: 'workshops',
  commands: [
    {
      id: 'workshops',
      ko: ['교육', '워크숍', '교육 목록'],
      en: ['workshops', 'workshop'],
      where: ['direct'],
      requires: 'approved',
      opensDialog: 'workshops',
      menu: { label: '교육 신청', order: 25 },
      slash: {
        name: 'workshops',
        ko: '교육',
        description: 'Upcoming workshops: sign up or cancel',
        koDescription: '다가오는 교육을 보고 신청·취소합니다',
      },
      handle: (turn) => workshopsCommand(turn),
    },
    {
      id: 'workshop_signup',
      ko: ['교육 신청'],
      en: ['enrol', 'enroll'],
      where: ['direct'],
      requires: 'approved',
      typedOnly: 'the 신청 buttons under announcements and reminders',
      handle: (turn, args) => signUpCommand(turn, args),
    },
    {
      id: 'workshop_withdraw',
      ko: ['교육 신청 취소', '신청 취소'],
      en: ['unenrol', 'unenroll'],
      where: ['direct'],
      requires: 'approved',
      typedOnly: 'the 신청 취소 buttons under reminders',
      handle: (turn, args) => withdrawCommand(turn, args),
    },
    {
      id: 'check_in',
      ko: ['출석'],
      en: ['check in', 'checkin'],
      where: ['direct'],
      requires: 'approved',
      typedOnly: 'at the venue, with the code the staff announce there',
      handle: (turn, args) => checkInCommand(turn, args),
    },
    {
      id: 'certificates',
      ko: ['수료증'],
      en: ['certificate', 'certificates'],
      where: ['direct'],
      requires: 'approved',
      menu: { label: '수료증', order: 26 },
      slash: {
        name: 'certificate',
        ko: '수료증',
        description: 'Your workshop certificates',
        koDescription: '교육 수료증을 봅니다',
      },
      handle: (turn) => certificatesCommand(turn),
    },
    {
      id: 'workshop_create',
      ko: ['교육 만들기', '교육 개설'],
      en: ['new workshop'],
      where: staffPlaces,
      requires: { action: 'workshop.manage' },
      menu: { label: '교육 만들기', order: 60 },
      handle: (turn, args) => createWorkshopCommand(turn, args),
    },
    {
      id: 'workshop_reschedule',
      ko: ['교육 변경', '교육 일정 변경'],
      en: ['reschedule'],
      where: staffPlaces,
      requires: { action: 'workshop.manage' },
      typedOnly: 'with the workshop number from 교육 현황',
      handle: (turn, args) => rescheduleCommand(turn, args),
    },
    {
      id: 'workshop_cancel',
      ko: ['교육 취소'],
      en: ['cancel workshop'],
      // Staff cancel a workshop; a resident's "교육 취소 번호" cancels their own sign-up (the handler tells them apart).
      where: staffPlaces,
      requires: 'anyone',
      typedOnly: 'with the workshop number from 교육 현황 (staff) or 교육 (residents)',
      handle: (turn, args) => cancelWorkshopCommand(turn, args),
    },
    {
      id: 'workshop_status',
      ko: ['교육 현황'],
      en: ['workshop status'],
      where: staffPlaces,
      requires: { action: 'workshop.manage' },
      menu: { label: '교육 현황', order: 61 },
      handle: (turn, args) => workshopStatusCommand(turn, args),
    },
    {
      id: 'mark_attendance',
      ko: ['출석 확인'],
      en: ['mark attendance'],
      where: staffPlaces,
      requires: { action: 'workshop.manage' },
      typedOnly: 'with the list numbers of 교육 현황 N',
      handle: (turn, args) => markAttendanceCommand(turn, args),
    },
  ],
  dialogs: [
    defineDialog({
      name: 'workshops',
      title: '교육 신청',
      restart: '교육',
      schema: z.object({
        ids: z.array(z.number()).optional(),
        labels: z.array(z.string()).optional(),
        id: z.number().optional(),
      }),
      step: (turn, state, text) => continueWorkshops(turn, state, text),
    }),
    // Opened by 교육 만들기 when the sign-up deadline has already gone (1:1 chat only).
    workshopCreateConfirmDialog,
  ],
});
