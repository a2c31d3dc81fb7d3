import { and, asc, eq } from 'drizzle-orm';
import { caseEvents, cases, evaluations } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { localName } from '../meta.ts';
import { normalizeTrackingCode } from './tracking-code.ts';
import { constantTimeEqual } from '../../constant-time.ts';

/** Event data keys that may be shown to the public; everything else stays internal. */
const PUBLIC_DATA_KEYS = ['text', 'newDueAt', 'mergedInto', 'reason', 'satisfaction', 'resolved'] as const;

/**
 * The citizen's view of a case: status, what it is about, its clocks, the public
 * timeline and the reply. Never the reporter's name, phone or email. An unknown
 * code and a wrong phone4 answer the same not-found, after the same work.
 */
export async function lookupCase({ ctx, input }: { ctx: Ctx; input: { trackingCode: string; phone4: string } }) {
  const code = normalizeTrackingCode(input.trackingCode);
  const row = code
    ? (
        await ctx.db
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
            reopenCount: cases.reopenCount,
          })
          .from(cases)
          .where(eq(cases.trackingCode, code))
          .limit(1)
      )[0]
    : undefined;
  const matches = row !== undefined && row.phone4 !== null && constantTimeEqual(row.phone4, input.phone4);
  if (!row || !matches) throw notFound('case_not_found');

  const [ref, events, rated] = await Promise.all([
    ctx.reference.get(ctx.db),
    ctx.db
      .select({ type: caseEvents.type, at: caseEvents.at, data: caseEvents.data })
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, row.id), eq(caseEvents.isPublic, true)))
      .orderBy(asc(caseEvents.id)),
    ctx.db
      .select({ id: evaluations.id })
      .from(evaluations)
      .where(and(eq(evaluations.caseId, row.id), eq(evaluations.source, 'citizen'), eq(evaluations.replyRound, row.reopenCount))),
  ]);
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
    closedAt: row.closedAt,
    reply: row.replyText !== null && row.repliedAt !== null ? { text: row.replyText, at: row.repliedAt } : null,
    timeline: events.map((e) => ({ type: e.type, at: e.at, ...publicData(e.data) })),
    canEvaluate: (row.status === 'replied' || row.status === 'closed') && rated.length === 0,
  };
}

function publicData(data: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of PUBLIC_DATA_KEYS) {
    const value = data[key];
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

