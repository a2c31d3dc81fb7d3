import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { cases } from '../../../db/schema.ts';
import { preparedQuery } from '../../../db/statement.ts';
import { constantTimeEqual } from '../../constant-time.ts';
import type { Ctx } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { isProvisional } from '../deadlines/provisional.ts';
import { localName } from '../meta.ts';
import { publicPhotoIds, publicPhotoPath } from '../photos/read.ts';
import { normalizeTrackingCode } from './tracking-code.ts';

/** Event data keys that may be shown to the public; everything else stays internal. */
const PUBLIC_DATA_KEYS = ['text', 'newDueAt', 'mergedInto', 'reason', 'satisfaction', 'resolved'] as const;

/**
 * One statement: the case, its public timeline and whether this reply is rated.
 * Names are spelled out in the subqueries, where drizzle would leave them unqualified.
 * Exported for the test that catches an upgrade breaking the compiled path.
 */
export const selectPublicCase = preparedQuery((db: Db) =>
  db
    .select({
      id: cases.id,
      trackingCode: cases.trackingCode,
      status: cases.status,
      kind: cases.kind,
      stationId: cases.stationId,
      categoryId: cases.categoryId,
      locationId: cases.locationId,
      receivedAt: cases.receivedAt,
      replyDueAt: cases.replyDueAt,
      repliedAt: cases.repliedAt,
      closedAt: cases.closedAt,
      replyText: cases.replyText,
      phone4: cases.reporterPhone4,
      events: sql<Array<{ type: string; at: string; data: Record<string, unknown> }>>`coalesce((
        select json_agg(json_build_object('type', e.type, 'at', e.at, 'data', e.data) order by e.id)
        from case_events e where e.case_id = cases.id and e.is_public), '[]'::json)`,
      rated: sql<boolean>`exists (
        select 1 from evaluations v
        where v.case_id = cases.id and v.source = 'citizen' and v.reply_round = cases.reopen_count)`,
    })
    .from(cases)
    .where(eq(cases.trackingCode, sql.placeholder('code')))
    .limit(1),
);

/**
 * The citizen's view of a case: status, what it is about, its clocks, the public
 * timeline and the reply. Never the reporter's name, phone or email. An unknown
 * code and a wrong phone4 answer the same not-found, after the same work.
 */
export async function lookupCase({ ctx, input }: { ctx: Ctx; input: { trackingCode: string; phone4: string } }) {
  const code = normalizeTrackingCode(input.trackingCode);
  const row = code ? (await selectPublicCase(ctx.db, { code }))[0] : undefined;
  const matches = row !== undefined && row.phone4 !== null && constantTimeEqual(row.phone4, input.phone4);
  if (!row || !matches) throw notFound('case_not_found');

  const ref = await ctx.reference.get(ctx.db);
  const events = (typeof row.events === 'string' ? (JSON.parse(row.events) as typeof row.events) : row.events).map((e) => ({
    type: e.type,
    at: new Date(e.at),
    data: e.data ?? {},
  }));
  const rated = row.rated === true || (row.rated as unknown) === 't';
  const station = ref.stationsById.get(row.stationId);
  const category = ref.categoriesById.get(row.categoryId);
  const location = row.locationId !== null ? ref.locationsById.get(row.locationId) : undefined;
  return {
    trackingCode: row.trackingCode,
    status: row.status,
    kind: row.kind,
    station: station ? { code: station.code, name: localName(station, ctx.lang) } : null,
    category: category ? { code: category.code, name: localName(category, ctx.lang) } : null,
    location: location ? { code: location.code, name: localName(location, ctx.lang) } : null,
    createdAt: row.receivedAt,
    replyDueAt: row.replyDueAt,
    replyDueProvisional: isReplyProvisional(row, ref.publishedYears),
    closedAt: row.closedAt,
    reply: row.replyText !== null && row.repliedAt !== null ? { text: row.replyText, at: row.repliedAt } : null,
    timeline: events.map((e) => ({ type: e.type, at: e.at, ...publicData(e.data) })),
    canEvaluate: (row.status === 'replied' || row.status === 'closed') && !rated,
    // Only photos a member of staff made public (api/domain/photos/publish.ts).
    photos: (await publicPhotoIds(ctx, row.id)).map((id) => ({ url: publicPhotoPath(id), thumbUrl: publicPhotoPath(id, 'thumb') })),
  };
}

/** The reply deadline still runs and falls in a year whose holidays are not published yet. */
function isReplyProvisional(row: { status: string; replyDueAt: Date; repliedAt: Date | null }, publishedYears: ReadonlySet<number>): boolean {
  return ['new', 'assigned', 'in_progress'].includes(row.status) && row.repliedAt === null && isProvisional(row.replyDueAt, publishedYears);
}

function publicData(data: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of PUBLIC_DATA_KEYS) {
    const value = data[key];
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}
