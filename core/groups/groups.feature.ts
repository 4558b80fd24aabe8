import { defineFeature } from '../conversation/feature.types.ts';
import { linkGroupCommand, unlinkGroupCommand } from './group.commands.ts';
import { linkStaffRoomCommand } from './staffroom.commands.ts';

/** Village group chats (마을방) and staff rooms (직원방): linked and unlinked from inside the chat itself. */
export const groupsFeature = defineFeature({
  name: 'groups',
  commands: [
    {
      id: 'link_group',
      ko: ['마을방 연결', '마을방연결', '방 연결'],
      en: ['link'],
      where: ['group', 'staff_room'],
      requires: { action: 'group.link' },
      wrongPlace: '마을방 연결은 연결하실 마을 단체방에서 보내 주세요.',
      menu: { label: '마을방 연결', order: 50 },
      slash: {
        name: 'link',
        ko: '마을방연결',
        description: 'Link this channel to a village',
        koDescription: '이 채널을 마을방으로 연결합니다',
        options: [
          {
            name: 'village',
            ko: '마을',
            description: 'Village name (staff)',
            koDescription: '마을 이름 (공무원)',
            type: 'string',
          },
        ],
      },
      handle: (turn, args) => linkGroupCommand(turn, args),
    },
    {
      id: 'unlink_group',
      ko: ['마을방 해제', '직원방 해제', '연결 해제', '방 해제'],
      en: ['unlink'],
      where: ['group', 'staff_room'],
      requires: { action: 'group.link' },
      wrongPlace: '해제는 해당 단체방에서 보내 주세요.',
      menu: { label: '마을방 해제', order: 51 },
      slash: {
        name: 'unlink',
        ko: '마을방해제',
        description: 'Unlink this channel from its village',
        koDescription: '이 채널의 마을방 연결을 해제합니다',
      },
      handle: (turn) => unlinkGroupCommand(turn),
    },
    {
      id: 'link_staff_room',
      ko: ['직원방 연결', '직원방연결', '담당방 연결'],
      en: ['staffroom', 'staff room'],
      where: ['group', 'staff_room'],
      requires: { action: 'staffroom.link' },
      wrongPlace: '직원방 연결은 직원들이 함께 쓰는 단체방에서 보내 주세요.',
      menu: { label: '직원방 연결', order: 52 },
      slash: {
        name: 'staffroom',
        ko: '직원방연결',
        description: 'Make this channel a staff room (staff)',
        koDescription: '이 채널을 직원방으로 연결합니다 (공무원)',
        options: [
          {
            name: 'district',
            ko: '읍면',
            description: 'District, or 본청 for the county office',
            koDescription: '읍·면 이름, 본청은 "본청"',
            type: 'string',
          },
        ],
      },
      handle: (turn, args) => linkStaffRoomCommand(turn, args),
    },
  ],
});
