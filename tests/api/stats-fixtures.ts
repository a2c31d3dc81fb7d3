import { sql } from 'drizzle-orm';
import { newTrackingCode } from '../../api/domain/cases/tracking-code.ts';
import { rowsOf } from '../../api/domain/stats/fold.ts';
import type { Db } from '../../db/client.ts';

/**
 * Cases written straight into the table with the clocks a figures test needs:
 * the workflow has its own tests; here only the state a case ends up in
 * matters. Times are ISO strings; offsets in hours from receipt.
 */
export interface CaseSpec {
  station?: string;
  channel?: string;
  kind?: string;
  category: string;
  location?: string | null;
  department?: string | null;
  status: 'new' | 'assigned' | 'in_progress' | 'replied' | 'closed' | 'merged' | 'returned';
  receivedAt: string;
  /** Hours after receipt. */
  ackDue?: number;
  replyDue?: number;
  ack?: number;
  contact?: number;
  reply?: number;
  close?: number;
  /** The soonest unmet clock (drives "overdue now"). */
  nextDue?: number;
  /** Reopened (重办): the first round's reply deadline and reply, kept at the first reopening. */
  firstReplyDue?: number;
  firstReply?: number;
  description?: string;
  phone?: string;
  name?: string;
}

export async function ids(db: Db) {
  const rows = rowsOf<{ kind: string; code: string; id: number; station: string | null }>(
    await db.execute(sql`
      SELECT 'station' AS kind, code, id, NULL AS station FROM stations
      UNION ALL SELECT 'category', code, id, NULL FROM categories
      UNION ALL SELECT 'department', code, id, NULL FROM departments
      UNION ALL SELECT 'location', l.code, l.id, s.code FROM locations l JOIN stations s ON s.id = l.station_id`),
  );
  const get = (kind: string, code: string, station?: string) => {
    const row = rows.find((r) => r.kind === kind && r.code === code && (station === undefined || r.station === station));
    if (!row) throw new Error(`no ${kind} ${code}`);
    return Number(row.id);
  };
  return {
    station: (code: string) => get('station', code),
    category: (code: string) => get('category', code),
    department: (code: string) => get('department', code),
    location: (station: string, code: string) => get('location', code, station),
  };
}

export async function insertCase(db: Db, spec: CaseSpec): Promise<string> {
  const ref = await ids(db);
  const station = spec.station ?? 'TJ';
  const at = (hours: number | undefined) => (hours === undefined ? null : new Date(Date.parse(spec.receivedAt) + hours * 3600_000).toISOString());
  const received = new Date(spec.receivedAt).toISOString();
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      INSERT INTO cases (tracking_code, station_id, channel, kind, category_id, location_id, description, status,
                         lead_department_id, received_at, ack_due_at, contact_due_at, reply_due_at,
                         acknowledged_at, contacted_at, replied_at, closed_at, reply_started_at, next_due_at,
                         reporter_phone, reporter_phone4, reporter_name, first_reply_due_at, first_replied_at, reopen_count)
      VALUES (${newTrackingCode()}, ${ref.station(station)}, ${spec.channel ?? 'web'}::channel, ${spec.kind ?? 'complaint'}::case_kind,
              ${ref.category(spec.category)}, ${spec.location ? ref.location(station, spec.location) : null}, ${spec.description ?? `统计测试 ${spec.category}`}, ${spec.status}::case_status,
              ${spec.department ? ref.department(spec.department) : null}, ${received}::timestamptz,
              ${at(spec.ackDue ?? 2)}::timestamptz, ${at(24)}::timestamptz, ${at(spec.replyDue ?? 240)}::timestamptz,
              ${at(spec.ack)}::timestamptz, ${at(spec.contact)}::timestamptz, ${at(spec.reply)}::timestamptz,
              ${spec.status === 'returned' || spec.status === 'merged' ? at(1) : at(spec.close)}::timestamptz, ${received}::timestamptz,
              ${at(spec.nextDue)}::timestamptz, ${spec.phone ?? null}, ${spec.phone?.slice(-4) ?? null}, ${spec.name ?? null},
              ${at(spec.firstReplyDue)}::timestamptz, ${at(spec.firstReply)}::timestamptz, ${spec.firstReplyDue === undefined ? 0 : 1})
      RETURNING id`),
  );
  return rows[0]!.id;
}

/** A rating; `resolved` null is an SMS rating's unknown resolution. Returns the evaluation's id. */
export async function evaluate(db: Db, caseId: string, source: 'citizen' | '12345', satisfaction: string, resolved: string | null, evaluatedAt: string, round = 0): Promise<number> {
  const rows = rowsOf<{ id: number }>(
    await db.execute(sql`
      INSERT INTO evaluations (case_id, source, reply_round, satisfaction, resolved, evaluated_at)
      VALUES (${caseId}::uuid, ${source}, ${round}, ${satisfaction}::satisfaction, ${resolved}::resolution, ${evaluatedAt}::timestamptz)
      RETURNING id`),
  );
  return Number(rows[0]!.id);
}
