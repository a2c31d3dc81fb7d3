import { and, asc, eq, sql } from 'drizzle-orm';
import { apiKeys, caseDepartments, caseEvents, cases, evaluations, extensionRequests, ratingAppeals, staffUsers } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { workdayLookup } from '../deadlines/calendar.ts';
import { extensionAllowance } from '../deadlines/extension.ts';
import { provisionalClocks } from '../deadlines/provisional.ts';
import { localName } from '../meta.ts';
import type { Staff } from '../staff/session.ts';
import { authorize } from './access.ts';
import { maskPhone } from './phone.ts';

function maskEmail(email: string): string {
  const [user = '', domain = ''] = email.split('@');
  return `${user.slice(0, 1)}***@${domain}`;
}
function maskName(name: string): string {
  return `${Array.from(name)[0] ?? ''}**`;
}

/** The latest reply deadline an extension may still ask for; null when none may be asked. */
function extensionLatest(ctx: Ctx, row: { replyDueAt: Date; extensionCount: number; repliedAt: Date | null }, workdays: Map<string, boolean>): Date | null {
  if (row.repliedAt) return null;
  const allowance = extensionAllowance(row, ctx.clock.now(), ctx.config, workdayLookup(workdays));
  return allowance.refusal ? null : allowance.latestDueAt;
}

/** A case as staff see it: everything but the reporter's contact, which is masked until revealed. */
export async function getCaseDetail({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string } }) {
  const [row] = await ctx.db.select().from(cases).where(eq(cases.id, input.caseId));
  if (!row) throw notFound('case_not_found_staff');
  const [co, events, extensions, ref] = await Promise.all([
    ctx.db.select({ id: caseDepartments.departmentId }).from(caseDepartments).where(eq(caseDepartments.caseId, row.id)),
    ctx.db
      .select({
        id: caseEvents.id,
        type: caseEvents.type,
        at: caseEvents.at,
        actorType: caseEvents.actorType,
        actorId: caseEvents.actorId,
        actorName: staffUsers.name,
        isPublic: caseEvents.isPublic,
        data: caseEvents.data,
      })
      .from(caseEvents)
      .leftJoin(staffUsers, sql`${staffUsers.id}::text = ${caseEvents.actorId}`)
      .where(eq(caseEvents.caseId, row.id))
      .orderBy(asc(caseEvents.id)),
    ctx.db.select().from(extensionRequests).where(eq(extensionRequests.caseId, row.id)).orderBy(asc(extensionRequests.id)),
    ctx.reference.get(ctx.db),
  ]);
  const platformRatings = row.channel === '12345' ? await ratingsWithAppeals(ctx, row.id) : [];
  authorize(staff, 'read', { leadDepartmentId: row.leadDepartmentId, coDepartmentIds: co.map((c) => c.id) });
  const dept = (id: number | null) => {
    const d = id !== null ? ref.departmentsById.get(id) : undefined;
    return d ? { code: d.code, name: localName(d, ctx.lang) } : null;
  };
  const station = ref.stationsById.get(row.stationId);
  const category = ref.categoriesById.get(row.categoryId);
  const location = row.locationId !== null ? ref.locationsById.get(row.locationId) : undefined;
  const master = row.masterCaseId ? (await ctx.db.select({ trackingCode: cases.trackingCode }).from(cases).where(eq(cases.id, row.masterCaseId)))[0] : undefined;
  // The Open311 app a case was filed through is the citizen's channel (it reads status and the reply).
  const client = row.apiKeyId ? (await ctx.db.select({ name: apiKeys.name }).from(apiKeys).where(eq(apiKeys.id, row.apiKeyId)))[0] : undefined;
  return {
    id: row.id,
    trackingCode: row.trackingCode,
    version: row.version,
    status: row.status,
    channel: row.channel,
    externalRef: row.externalRef,
    kind: row.kind,
    priority: row.priority,
    priorityOwner: row.priorityOwner,
    station: station ? { code: station.code, name: localName(station, ctx.lang) } : null,
    category: category ? { code: category.code, name: localName(category, ctx.lang) } : null,
    suggestedDepartment: dept(category?.defaultDepartmentId ?? null),
    location: location ? { code: location.code, name: localName(location, ctx.lang) } : null,
    description: row.description,
    reporter: {
      phone: row.reporterPhone ? maskPhone(row.reporterPhone) : null,
      email: row.reporterEmail ? maskEmail(row.reporterEmail) : null,
      name: row.reporterName ? maskName(row.reporterName) : null,
      masked: true as const,
      /** False when no phone was left: no SMS reaches this reporter (receipt, reply, survey). */
      textable: row.reporterPhone !== null,
    },
    open311: row.channel === 'open311' ? { client: client?.name ?? null, attributes: row.attributes ?? {}, mediaUrl: row.mediaUrl } : null,
    lang: row.lang,
    leadDepartment: dept(row.leadDepartmentId),
    coDepartments: co.map((c) => dept(c.id)).filter((d) => d !== null),
    mergedInto: master?.trackingCode ?? null,
    returnReason: row.returnReason,
    receivedAt: row.receivedAt,
    ackDueAt: row.ackDueAt,
    contactDueAt: row.contactDueAt,
    replyDueAt: row.replyDueAt,
    nextDueAt: row.nextDueAt,
    acknowledgedAt: row.acknowledgedAt,
    contactedAt: row.contactedAt,
    repliedAt: row.repliedAt,
    closedAt: row.closedAt,
    replyText: row.replyText,
    extensionCount: row.extensionCount,
    reopenCount: row.reopenCount,
    flaggedAt: row.flaggedAt,
    overdue: row.nextDueAt !== null && row.nextDueAt < ctx.clock.now(),
    provisional: provisionalClocks(row, ref.publishedYears),
    extensionLatestDueAt: extensionLatest(ctx, row, ref.workdays),
    extensions: extensions.map((e) => ({
      id: e.id,
      status: e.status,
      reason: e.reason,
      requestedDueAt: e.requestedDueAt,
      previousDueAt: e.previousDueAt,
      createdAt: e.createdAt,
      decidedAt: e.decidedAt,
      decisionNote: e.decisionNote,
    })),
    platformRatings,
    timeline: events.map((e) => ({ id: e.id, type: e.type, at: e.at, actor: { type: e.actorType, id: e.actorId, name: e.actorName }, isPublic: e.isPublic, data: e.data })),
  };
}

/** The 12345 follow-up ratings of a case, each with its latest appeal (申诉/核减). */
async function ratingsWithAppeals(ctx: Ctx, caseId: string) {
  const [ratings, appeals] = await Promise.all([
    ctx.db
      .select()
      .from(evaluations)
      .where(and(eq(evaluations.caseId, caseId), eq(evaluations.source, '12345')))
      .orderBy(asc(evaluations.replyRound)),
    ctx.db.select().from(ratingAppeals).where(eq(ratingAppeals.caseId, caseId)).orderBy(asc(ratingAppeals.id)),
  ]);
  return ratings.map((r) => {
    const appeal = appeals.filter((a) => a.evaluationId === r.id).at(-1);
    return {
      id: r.id,
      replyRound: r.replyRound,
      satisfaction: r.satisfaction,
      resolved: r.resolved,
      evaluatedAt: r.evaluatedAt,
      excludedAt: r.excludedAt,
      appeal: appeal
        ? { id: appeal.id, status: appeal.status, reasons: appeal.reasons, filedAt: appeal.filedAt, sentAt: appeal.sentAt, decidedAt: appeal.decidedAt, decisionNote: appeal.decisionNote }
        : null,
    };
  });
}
