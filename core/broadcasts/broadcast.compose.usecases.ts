import type { DbOrTx } from '../../db/db.client.ts';
import type { RoleGrant } from '../auth/authz.policy.ts';
import { type BroadcastScope, catalogWithin, defaultScope } from './broadcast.scope.ts';
import { placeCatalog, villagesInScope } from './broadcast.usecases.ts';

/**
 * The places a composer offers (the staff console's check boxes): the sender's widest scope and the districts and
 * villages inside it, as the chat matches typed names within it. Null: the sender may address none.
 */
export async function composerPlaces(input: { tx: DbOrTx; grants: readonly RoleGrant[] }): Promise<{
  widest: BroadcastScope;
  districts: { code: string; nameKo: string }[];
  villages: { id: number; nameKo: string; districtCode: string }[];
} | null> {
  const widest = defaultScope(input.grants);
  if (!widest) return null;
  const catalog = catalogWithin(
    await placeCatalog({ tx: input.tx }),
    await villagesInScope({ tx: input.tx, scope: widest }),
  );
  return { widest, districts: [...catalog.districts], villages: [...catalog.villages] };
}

/**
 * The scope of the places ticked: villages when any village is ticked (with the villages of ticked districts),
 * districts when only districts, the widest scope when nothing is ticked. The send checks the right over it.
 */
export function scopeOfPicks(input: {
  widest: BroadcastScope;
  districtCodes: readonly string[];
  villageIds: readonly number[];
  villages: readonly { id: number; districtCode: string }[];
}): BroadcastScope {
  const { widest, districtCodes, villageIds, villages } = input;
  if (villageIds.length === 0 && districtCodes.length === 0) return widest;
  if (villageIds.length === 0) return { kind: 'districts', codes: [...new Set(districtCodes)] };
  const ofDistricts = villages.filter((v) => districtCodes.includes(v.districtCode)).map((v) => v.id);
  return { kind: 'villages', ids: [...new Set([...villageIds, ...ofDistricts])] };
}
