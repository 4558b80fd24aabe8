import type { FeedbackCategory } from '../../db/schema/feedback.schema.ts';

export type StaffRoomRef = { platform: string; chatId: string; staffDistrictCode: string | null; isHqStaffRoom: boolean };

/**
 * Where an item is shown: its district's staff rooms; urgent and safety items at HQ too; HQ alone when the district
 * has no staff room. Empty when there is no staff room at all (the caller then tells the staff members directly).
 */
export function staffRoomsFor(item: { districtCode: string; urgent: boolean; category: FeedbackCategory }, rooms: readonly StaffRoomRef[]): StaffRoomRef[] {
  const district = rooms.filter((r) => r.staffDistrictCode === item.districtCode);
  const hq = rooms.filter((r) => r.isHqStaffRoom);
  const toHq = district.length === 0 || item.urgent || item.category === 'safety';
  return [...district, ...(toHq ? hq : [])];
}
