import { sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { calendarDays, categories, deadlinePolicies, departments, locations, stations } from '../schema.ts';
import { calendarYear, SEEDED_YEARS } from './calendar.ts';
import { CATEGORIES, DEPARTMENTS, FIRST_POLICY_NAMES, LOCATIONS, PLACE_COORDINATES, POLICIES, STATIONS } from './reference.ts';

export interface SeedReport {
  provisionalYears: number[];
}

/**
 * Seeds the reference data. Idempotent: rows that exist (by code) are left as
 * they are, so an admin's edits survive a restart (the fills: a department
 * mailbox missing from a row no admin has touched, and the Chinese names of
 * default policies no admin has touched).
 */
export async function seedReference(db: Db): Promise<SeedReport> {
  return db.transaction(async (tx) => {
    await tx.insert(stations).values(STATIONS).onConflictDoNothing();
    await tx.insert(departments).values(DEPARTMENTS).onConflictDoNothing();
    // A section seeded before it had a mailbox gets one, unless an admin has edited the row since
    // (updated_at moved): a mailbox an admin cleared stays cleared.
    const mailboxes = DEPARTMENTS.map((d) => sql`(${d.code}, ${d.email})`);
    await tx.execute(sql`
      UPDATE departments SET email = v.email
      FROM (VALUES ${sql.join(mailboxes, sql`, `)}) AS v(code, email)
      WHERE departments.code = v.code AND departments.email IS NULL AND departments.updated_at = departments.created_at`);

    const deptRows = await tx.select({ id: departments.id, code: departments.code }).from(departments);
    const deptId = new Map(deptRows.map((d) => [d.code, d.id]));
    await tx
      .insert(categories)
      .values(
        CATEGORIES.map((c, i) => ({
          code: c.code,
          nameZh: c.nameZh,
          nameEn: c.nameEn,
          defaultDepartmentId: deptId.get(c.department) ?? null,
          defaultPriority: c.priority,
          sortOrder: i + 1,
        })),
      )
      .onConflictDoNothing();

    const stationRows = await tx.select({ id: stations.id, code: stations.code }).from(stations);
    const locationValues = stationRows.flatMap((s) => (LOCATIONS[s.code] ?? []).map((l, i) => ({ ...l, stationId: s.id, sortOrder: i + 1 })));
    if (locationValues.length) await tx.insert(locations).values(locationValues).onConflictDoNothing();

    // Coordinates for stations and places that have none and that no admin has edited (updated_at
    // still created_at): an admin's coordinates, or their clearing them, stay as the admin left them.
    const stationPlaces = STATIONS.map((st) => sql`(${st.code}, ${st.latitude}::float8, ${st.longitude}::float8)`);
    await tx.execute(sql`
      UPDATE stations SET latitude = v.lat, longitude = v.long
      FROM (VALUES ${sql.join(stationPlaces, sql`, `)}) AS v(code, lat, long)
      WHERE stations.code = v.code AND stations.latitude IS NULL AND stations.updated_at = stations.created_at`);
    const places = Object.entries(PLACE_COORDINATES).flatMap(([station, byCode]) =>
      Object.entries(byCode).map(([code, [lat, long]]) => sql`(${station}, ${code}, ${lat}::float8, ${long}::float8)`),
    );
    await tx.execute(sql`
      UPDATE locations SET latitude = v.lat, longitude = v.long
      FROM (VALUES ${sql.join(places, sql`, `)}) AS v(station, code, lat, long), stations s
      WHERE s.code = v.station AND locations.station_id = s.id AND locations.code = v.code
        AND locations.latitude IS NULL AND locations.updated_at = locations.created_at`);

    // Policies have no natural key: seed them only into an empty table. Default policies still under
    // their first, English names and never edited by an admin take their Chinese names.
    const renames = Object.entries(FIRST_POLICY_NAMES).map(([name, first]) => sql`(${first}, ${name})`);
    await tx.execute(sql`
      UPDATE deadline_policies SET name = v.name
      FROM (VALUES ${sql.join(renames, sql`, `)}) AS v(first, name)
      WHERE deadline_policies.name = v.first AND deadline_policies.updated_at = deadline_policies.created_at`);
    const [{ count } = { count: 0 }] = await tx.select({ count: sql<number>`count(*)::int` }).from(deadlinePolicies);
    if (count === 0) {
      await tx.insert(deadlinePolicies).values(
        POLICIES.map((p) => ({
          name: p.name,
          kind: p.kind ?? null,
          priority: p.priority ?? null,
          ackAmount: p.ack?.[0] ?? null,
          ackUnit: p.ack?.[1] ?? null,
          contactAmount: p.contact?.[0] ?? null,
          contactUnit: p.contact?.[1] ?? null,
          replyAmount: p.reply?.[0] ?? null,
          replyUnit: p.reply?.[1] ?? null,
          source: p.source,
        })),
      );
    }

    const provisionalYears: number[] = [];
    for (const year of SEEDED_YEARS) {
      const { rows, provisional } = calendarYear(year);
      if (provisional) provisionalYears.push(year);
      await tx.insert(calendarDays).values(rows).onConflictDoNothing();
    }
    return { provisionalYears };
  });
}
