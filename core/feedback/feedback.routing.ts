import type { FeedbackCategory } from '../../db/schema/feedback.schema.ts';
import { staffRoomTargets, type StaffRoomRef } from '../staff/staff.rooms.ts';

export type { StaffRoomRef };

/**
 * Where an item is shown: its district's staff rooms; urgent and safety items at HQ too; HQ alone when the district
 * has no staff room. Empty when there is no staff room at all (the caller then tells the staff members directly).
 */
export function staffRoomsFor(
  item: { districtCode: string; urgent: boolean; category: FeedbackCategory },
  rooms: readonly StaffRoomRef[],
): StaffRoomRef[] {
  return staffRoomTargets({ districtCode: item.districtCode, alsoHq: feedbackGoesToHq(item) }, rooms);
}

export function feedbackGoesToHq(item: { urgent: boolean; category: FeedbackCategory }): boolean {
  return item.urgent || item.category === 'safety';
}
