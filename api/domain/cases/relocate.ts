import { type Ctx, withTransaction } from '../../context.ts';
import { invalidInput } from '../../errors.ts';
import type { Staff } from '../staff/session.ts';
import { commitTransition, openForVerb } from './transition.ts';

/**
 * Corrects where a case is (station and place). SMS complaints arrive under
 * the default station with no place; until someone fixes that, the figures'
 * location dimension files them as "no place given". The place must be one of
 * the station's; leaving it out clears it. The timeline keeps both.
 */
export async function relocate({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string; version: number; station: string; location?: string | undefined } }) {
  return withTransaction(ctx, async (tx) => {
    const { row } = await openForVerb(tx, { staff, caseId: input.caseId, verb: 'relocate', version: input.version });
    const ref = await tx.reference.get(tx.db);
    const station = ref.stationsByCode.get(input.station);
    if (!station) throw invalidInput('invalid_input', [{ field: 'station', code: 'unknown', message: 'station.unknown' }], { fields: 'station' });
    const location = input.location ? ref.locationsByStation.get(station.id)?.get(input.location) : undefined;
    if (input.location && !location) throw invalidInput('invalid_input', [{ field: 'location', code: 'unknown', message: 'location.unknown' }], { fields: 'location' });
    const locationId = location?.id ?? null;
    if (station.id === row.stationId && locationId === row.locationId) {
      throw invalidInput('relocate.unchanged', [{ field: 'location', code: 'unchanged', message: 'relocate.unchanged' }]);
    }
    const place = (stationId: number, id: number | null) => ({
      station: ref.stationsById.get(stationId)?.code ?? null,
      location: id !== null ? (ref.locationsById.get(id)?.code ?? null) : null,
    });
    return commitTransition(tx, {
      row,
      staff,
      set: { stationId: station.id, locationId },
      event: { type: 'relocated', isPublic: false, data: { from: place(row.stationId, row.locationId), to: place(station.id, locationId) } },
    });
  });
}
