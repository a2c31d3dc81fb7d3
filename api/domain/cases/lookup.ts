import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { cases, evaluations } from '../../../db/schema.ts';
import { preparedQuery } from '../../../db/statement.ts';
import { constantTimeEqual } from '../../constant-time.ts';
import type { Ctx } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { isProvisional } from '../deadlines/provisional.ts';
import { localName } from '../meta.ts';
import { publicPhotoIds, publicPhotoPath } from '../photos/read.ts';
import { mainCaseOf } from './merged-reporters.ts';
import { normalizeTrackingCode } from './tracking-code.ts';

/** Event data keys that may be shown to the public; everything else stays internal. */
const PUBLIC_DATA_KEYS = ['text', 'newDueAt', 'mergedInto', 'reason', 'satisfaction', 'resolved', 'reviewDueAt'] as const;

/**
 * What a follower (a reporter whose case was merged into the main case) does
 * not see of the main case's public timeline: the steps that were its own
 * reporter's (their filing, the contact with them, their rating and its appeal).
 */
const MAIN_REPORTERS_OWN = new Set(['created', 'contacted', 'evaluated', 'appeal_filed', 'appeal_sent', 'appeal_accepted', 'appeal_refused']);

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
      masterCaseId: cases.masterCaseId,
      reopenCount: cases.reopenCount,
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

type PublicRow = Awaited<ReturnType<typeof selectPublicCase>>[number];

const eventsOf = (row: PublicRow) =>
  (typeof row.events === 'string' ? (JSON.parse(row.events) as typeof row.events) : row.events).map((e) => ({
    type: e.type,
    at: new Date(e.at),
    data: e.data ?? {},
  }));

/**
 * The citizen's view of a case: status, what it is about, its clocks, the public
 * timeline and the reply. Never the reporter's name, phone or email. An unknown
 * code and a wrong phone4 answer the same not-found, after the same work.
 *
 * A report merged into another (its `masterCaseId` set) follows that main case:
 * with its own code and digits it shows the main case's status, deadline,
 * reply and timeline (less its reporter's own steps), its own filing and
 * ratings, and `merged` says so. Never the main case's code or its reporter's
 * words beyond the main case's public page.
 */
export async function lookupCase({ ctx, input }: { ctx: Ctx; input: { trackingCode: string; phone4: string } }) {
  const code = normalizeTrackingCode(input.trackingCode);
  const own = code ? (await selectPublicCase(ctx.db, { code }))[0] : undefined;
  const matches = own !== undefined && own.phone4 !== null && constantTimeEqual(own.phone4, input.phone4);
  if (!own || !matches) throw notFound('case_not_found');

  const ref = await ctx.reference.get(ctx.db);
  const ownEvents = eventsOf(own);
  const main = await mainCaseOf(ctx, own);
  const mainRow = main ? (await selectPublicCase(ctx.db, { code: main.trackingCode }))[0] : undefined;
  const row = mainRow ?? own;
  const events = mainRow
    ? [...ownEvents.map((e) => (e.type === 'merged' ? { ...e, data: { ...e.data, mergedInto: undefined } } : e)), ...eventsOf(mainRow).filter((e) => !MAIN_REPORTERS_OWN.has(e.type))].sort(
        (a, b) => a.at.getTime() - b.at.getTime(),
      )
    : ownEvents;
  const rated = mainRow ? await followerRated(ctx, own.id, mainRow.reopenCount) : own.rated === true || (own.rated as unknown) === 't';
  const mergedAt = mainRow ? (ownEvents.findLast((e) => e.type === 'merged')?.at ?? own.closedAt ?? own.receivedAt) : undefined;
  const station = ref.stationsById.get(own.stationId);
  const category = ref.categoriesById.get(own.categoryId);
  const location = own.locationId !== null ? ref.locationsById.get(own.locationId) : undefined;
  return {
    // What was reported, where and when: the report's own; how it is handled: the main case's.
    trackingCode: own.trackingCode,
    status: row.status,
    kind: own.kind,
    station: station ? { code: station.code, name: localName(station, ctx.lang) } : null,
    category: category ? { code: category.code, name: localName(category, ctx.lang) } : null,
    location: location ? { code: location.code, name: localName(location, ctx.lang) } : null,
    createdAt: own.receivedAt,
    replyDueAt: row.replyDueAt,
    replyDueProvisional: isReplyProvisional(row, ref.publishedYears),
    closedAt: row.closedAt,
    reply: row.replyText !== null && row.repliedAt !== null ? { text: row.replyText, at: row.repliedAt } : null,
    timeline: events.map((e) => ({ type: e.type, at: e.at, ...publicData(e.data) })),
    canEvaluate: (row.status === 'replied' || row.status === 'closed') && !rated,
    // Only photos a member of staff made public (api/domain/photos/publish.ts).
    photos: (await publicPhotoIds(ctx, own.id)).map((id) => ({ url: publicPhotoPath(id), thumbUrl: publicPhotoPath(id, 'thumb') })),
    ...(mergedAt ? { merged: { at: mergedAt } } : {}),
  };
}

/** Whether a follower has rated the main case's current reply (recorded on the follower's own case). */
async function followerRated(ctx: Ctx, caseId: string, round: number): Promise<boolean> {
  const [done] = await ctx.db
    .select({ id: evaluations.id })
    .from(evaluations)
    .where(and(eq(evaluations.caseId, caseId), eq(evaluations.source, 'citizen'), eq(evaluations.replyRound, round)));
  return done !== undefined;
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
