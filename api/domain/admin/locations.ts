import { and, asc, eq, max, type SQL } from 'drizzle-orm';
import { locations, stations } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { conflict, notFound } from '../../errors.ts';
import type { Staff } from '../staff/session.ts';
import { assertAdmin, changedFields, isUniqueViolation, nextSortOrder, referenceWritten, unknownReference } from './access.ts';

/**
 * The places in a station district where things happen (前广场, 出租车调度站…).
 * A location's code is unique within its station and never changes; cases
 * point at locations, so one that is gone is deactivated, never deleted.
 */
export interface AdminLocation {
  station: string;
  code: string;
  nameZh: string;
  nameEn: string;
  active: boolean;
  sortOrder: number;
  /** WGS 84; null until an admin sets them. Open311 places requests filed without coordinates here. */
  coordinates: Coordinates | null;
}

export interface Coordinates {
  latitude: number;
  longitude: number;
}

const coordinatesOf = (row: { latitude: number | null; longitude: number | null }): Coordinates | null =>
  row.latitude !== null && row.longitude !== null ? { latitude: row.latitude, longitude: row.longitude } : null;

/** The columns a coordinates patch writes: undefined leaves them, null clears both. */
const coordinateColumns = (c: Coordinates | null | undefined) => (c === undefined ? {} : { latitude: c?.latitude ?? null, longitude: c?.longitude ?? null });

function selectLocations(ctx: Ctx, where?: SQL) {
  return ctx.db
    .select({
      station: stations.code,
      code: locations.code,
      nameZh: locations.nameZh,
      nameEn: locations.nameEn,
      active: locations.active,
      sortOrder: locations.sortOrder,
      latitude: locations.latitude,
      longitude: locations.longitude,
    })
    .from(locations)
    .innerJoin(stations, eq(stations.id, locations.stationId))
    .where(where)
    .orderBy(asc(stations.sortOrder), asc(stations.id), asc(locations.sortOrder), asc(locations.id))
    .then((rows) => rows.map(({ latitude, longitude, ...row }) => ({ ...row, coordinates: coordinatesOf({ latitude, longitude }) })));
}

/** A station by code, active or not: an admin may prepare the locations of a station not yet open. */
async function stationId(ctx: Ctx, code: string): Promise<number | undefined> {
  const [row] = await ctx.db.select({ id: stations.id }).from(stations).where(eq(stations.code, code)).limit(1);
  return row?.id;
}

export async function listLocations({ ctx, actor, input }: { ctx: Ctx; actor: Staff; input: { station?: string | undefined } }): Promise<AdminLocation[]> {
  assertAdmin(actor);
  if (input.station === undefined) return selectLocations(ctx);
  const id = await stationId(ctx, input.station);
  if (id === undefined) throw unknownReference('station', 'station.unknown');
  return selectLocations(ctx, eq(locations.stationId, id));
}

async function oneLocation(ctx: Ctx, stationCode: string, code: string): Promise<AdminLocation & { stationId: number }> {
  const id = await stationId(ctx, stationCode);
  const [row] = id === undefined ? [] : await selectLocations(ctx, and(eq(locations.stationId, id), eq(locations.code, code)));
  if (id === undefined || !row) throw notFound('location.not_found');
  return { ...row, stationId: id };
}

export interface CreateLocationInput {
  station: string;
  code: string;
  nameZh: string;
  nameEn: string;
  /** Omitted: after the station's last location. */
  sortOrder?: number | undefined;
}

export async function createLocation({ ctx, actor, input }: { ctx: Ctx; actor: Staff; input: CreateLocationInput }): Promise<AdminLocation> {
  assertAdmin(actor);
  const now = ctx.clock.now();
  let created: AdminLocation;
  try {
    created = await withTransaction(ctx, async (tx) => {
      const id = await stationId(tx, input.station);
      if (id === undefined) throw unknownReference('station', 'station.unknown');
      const sortOrder =
        input.sortOrder ??
        nextSortOrder(
          await tx.db
            .select({ max: max(locations.sortOrder) })
            .from(locations)
            .where(eq(locations.stationId, id)),
        );
      await tx.db.insert(locations).values({ stationId: id, code: input.code, nameZh: input.nameZh, nameEn: input.nameEn, sortOrder, createdAt: now, updatedAt: now });
      const { stationId: _id, ...row } = await oneLocation(tx, input.station, input.code);
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err, 'locations_station_code_uq')) throw conflict('location.code_taken', { station: input.station, code: input.code });
    throw err;
  }
  referenceWritten(ctx, actor, 'admin: location created', { station: created.station, code: created.code });
  return created;
}

export interface UpdateLocationInput {
  station: string;
  code: string;
  nameZh?: string | undefined;
  nameEn?: string | undefined;
  active?: boolean | undefined;
  sortOrder?: number | undefined;
  coordinates?: Coordinates | null | undefined;
}

export async function updateLocation({ ctx, actor, input }: { ctx: Ctx; actor: Staff; input: UpdateLocationInput }): Promise<AdminLocation> {
  assertAdmin(actor);
  const { station, code, coordinates, ...patch } = input;
  const updated = await withTransaction(ctx, async (tx) => {
    const current = await oneLocation(tx, station, code);
    await tx.db
      .update(locations)
      .set({ ...patch, ...coordinateColumns(coordinates), updatedAt: tx.clock.now() })
      .where(and(eq(locations.stationId, current.stationId), eq(locations.code, code)));
    const { stationId: _id, ...row } = await oneLocation(tx, station, code);
    return row;
  });
  referenceWritten(ctx, actor, 'admin: location updated', { station, code, fields: changedFields({ ...patch, coordinates }) });
  return updated;
}

/*
 * Stations: their names and codes come with the installation (db/seed); an
 * admin sets where each is on a map.
 */
export interface AdminStation {
  code: string;
  nameZh: string;
  nameEn: string;
  active: boolean;
  coordinates: Coordinates | null;
}

function selectStations(ctx: Ctx, where?: SQL) {
  return ctx.db
    .select({ code: stations.code, nameZh: stations.nameZh, nameEn: stations.nameEn, active: stations.active, latitude: stations.latitude, longitude: stations.longitude })
    .from(stations)
    .where(where)
    .orderBy(asc(stations.sortOrder), asc(stations.id))
    .then((rows) => rows.map(({ latitude, longitude, ...row }) => ({ ...row, coordinates: coordinatesOf({ latitude, longitude }) })));
}

export async function listStations({ ctx, actor }: { ctx: Ctx; actor: Staff }): Promise<AdminStation[]> {
  assertAdmin(actor);
  return selectStations(ctx);
}

export async function updateStation({ ctx, actor, input }: { ctx: Ctx; actor: Staff; input: { code: string; coordinates: Coordinates | null } }): Promise<AdminStation> {
  assertAdmin(actor);
  const changed = await ctx.db
    .update(stations)
    .set({ ...coordinateColumns(input.coordinates), updatedAt: ctx.clock.now() })
    .where(eq(stations.code, input.code))
    .returning({ id: stations.id });
  if (!changed.length) throw notFound('station.unknown');
  referenceWritten(ctx, actor, 'admin: station updated', { station: input.code, fields: ['coordinates'] });
  const [row] = await selectStations(ctx, eq(stations.code, input.code));
  return row!;
}
