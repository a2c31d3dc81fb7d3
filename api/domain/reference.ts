import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { calendarDays, categories, deadlinePolicies, departments, locations, stations } from '../../db/schema.ts';

/**
 * The small, slow-changing tables every request reads (stations, categories,
 * locations, departments, policies, the calendar), held in memory for a short
 * time so that intake does not pay six lookups per case. Admin writes call
 * invalidate(); other servers see a change within the TTL.
 */
export type Station = typeof stations.$inferSelect;
export type Category = typeof categories.$inferSelect;
export type Location = typeof locations.$inferSelect;
export type Department = typeof departments.$inferSelect;
export type Policy = typeof deadlinePolicies.$inferSelect;

export interface Reference {
  stations: Station[];
  stationsByCode: Map<string, Station>;
  stationsById: Map<number, Station>;
  categories: Category[];
  categoriesByCode: Map<string, Category>;
  categoriesById: Map<number, Category>;
  locations: Location[];
  locationsById: Map<number, Location>;
  /** stationId → location code → location */
  locationsByStation: Map<number, Map<string, Location>>;
  departments: Department[];
  departmentsById: Map<number, Department>;
  policies: Policy[];
  /** date → is a working day, for every day the calendar holds */
  workdays: Map<string, boolean>;
  /** Years whose holidays are published (the calendar holds a holiday or make-up workday in them). */
  publishedYears: Set<number>;
}

export interface ReferenceCache {
  get(db: Db): Promise<Reference>;
  invalidate(): void;
}

export function createReferenceCache(ttlMs = 30_000): ReferenceCache {
  let cached: { at: number; value: Promise<Reference> } | undefined;
  return {
    async get(db) {
      const now = Date.now();
      if (!cached || now - cached.at > ttlMs) {
        const value = loadReference(db);
        cached = { at: now, value };
        // A failed load must not be cached.
        value.catch(() => {
          if (cached?.value === value) cached = undefined;
        });
      }
      return cached.value;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

export async function loadReference(db: Db): Promise<Reference> {
  const [stationRows, categoryRows, locationRows, departmentRows, policyRows, dayRows] = await Promise.all([
    db.select().from(stations).where(eq(stations.active, true)).orderBy(asc(stations.sortOrder), asc(stations.id)),
    db.select().from(categories).where(eq(categories.active, true)).orderBy(asc(categories.sortOrder), asc(categories.id)),
    db.select().from(locations).where(eq(locations.active, true)).orderBy(asc(locations.stationId), asc(locations.sortOrder), asc(locations.id)),
    db.select().from(departments).orderBy(asc(departments.id)),
    db.select().from(deadlinePolicies).where(eq(deadlinePolicies.active, true)),
    db.select({ day: calendarDays.day, isWorkday: calendarDays.isWorkday, kind: calendarDays.kind }).from(calendarDays),
  ]);
  const locationsByStation = new Map<number, Map<string, Location>>();
  for (const loc of locationRows) {
    let byCode = locationsByStation.get(loc.stationId);
    if (!byCode) locationsByStation.set(loc.stationId, (byCode = new Map()));
    byCode.set(loc.code, loc);
  }
  return {
    stations: stationRows,
    stationsByCode: new Map(stationRows.map((s) => [s.code, s])),
    stationsById: new Map(stationRows.map((s) => [s.id, s])),
    categories: categoryRows,
    categoriesByCode: new Map(categoryRows.map((c) => [c.code, c])),
    categoriesById: new Map(categoryRows.map((c) => [c.id, c])),
    locations: locationRows,
    locationsById: new Map(locationRows.map((l) => [l.id, l])),
    locationsByStation,
    departments: departmentRows,
    departmentsById: new Map(departmentRows.map((d) => [d.id, d])),
    policies: policyRows,
    workdays: new Map(dayRows.map((d) => [d.day, d.isWorkday])),
    publishedYears: new Set(dayRows.filter((d) => d.kind === 'holiday' || d.kind === 'makeup_workday').map((d) => Number(d.day.slice(0, 4)))),
  };
}
