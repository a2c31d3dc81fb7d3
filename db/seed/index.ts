import { sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { calendarDays, categories, deadlinePolicies, departments, locations, stations } from '../schema.ts';
import { calendarYear, SEEDED_YEARS } from './calendar.ts';
import { CATEGORIES, DEPARTMENTS, LOCATIONS, POLICIES, STATIONS } from './reference.ts';

export interface SeedReport {
  provisionalYears: number[];
}

/**
 * Seeds the reference data. Idempotent: rows that exist (by code) are left as
 * they are, so an admin's edits survive a restart (the one fill: a department
 * mailbox missing from a row no admin has touched).
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

    // Policies have no natural key: seed them only into an empty table.
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
