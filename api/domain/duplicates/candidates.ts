import { and, desc, eq, gte, inArray, lte, ne } from 'drizzle-orm';
import { caseDepartments, cases } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import type { CaseStatus } from '../../contract/enums.ts';
import { notFound } from '../../errors.ts';
import { authorize } from '../cases/access.ts';
import { scopeCondition } from '../cases/queue.ts';
import { localName } from '../meta.ts';
import type { Staff } from '../staff/session.ts';
import { rankBySimilarity } from './similar.ts';

/** Cases still being handled: a closed, merged or returned case is no one's duplicate to merge into. */
export const OPEN_STATUSES = ['new', 'assigned', 'in_progress', 'replied'] as const satisfies readonly CaseStatus[];
/** How far apart in time two reports of one problem are looked for. */
export const WINDOW_DAYS = 14;
/** The most candidates shown, and the most recent cases of a station compared. */
const TOP = 5;
const COMPARED = 300;
const EXCERPT = 80;
/** Below this a case has nothing but its station in common with the other: not shown. */
export const MIN_SCORE = 0.15;

const excerpt = (text: string) => {
  const chars = Array.from(text.replace(/\s+/gu, ' ').trim());
  return chars.length > EXCERPT ? `${chars.slice(0, EXCERPT).join('')}…` : chars.join('');
};

/**
 * A case's likely duplicates, for triage: open cases at the same station received
 * within WINDOW_DAYS of it, ranked by how alike they read (similar.ts), the same
 * place first. Read as the case detail is read: a handler reaches only cases of
 * their department, and only candidates among them.
 */
export async function duplicateCandidates({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string } }) {
  const [row] = await ctx.db.select().from(cases).where(eq(cases.id, input.caseId));
  if (!row) throw notFound('case_not_found_staff');
  const co = await ctx.db.select({ id: caseDepartments.departmentId }).from(caseDepartments).where(eq(caseDepartments.caseId, row.id));
  authorize(staff, 'read', { leadDepartmentId: row.leadDepartmentId, coDepartmentIds: co.map((c) => c.id) });
  const windowMs = WINDOW_DAYS * 86_400_000;
  const others = await ctx.db
    .select({
      id: cases.id,
      trackingCode: cases.trackingCode,
      version: cases.version,
      status: cases.status,
      receivedAt: cases.receivedAt,
      categoryId: cases.categoryId,
      locationId: cases.locationId,
      description: cases.description,
    })
    .from(cases)
    .where(
      and(
        eq(cases.stationId, row.stationId),
        ne(cases.id, row.id),
        inArray(cases.status, OPEN_STATUSES),
        gte(cases.receivedAt, new Date(row.receivedAt.getTime() - windowMs)),
        lte(cases.receivedAt, new Date(row.receivedAt.getTime() + windowMs)),
        scopeCondition(staff),
      ),
    )
    .orderBy(desc(cases.receivedAt))
    .limit(COMPARED);
  const ref = await ctx.reference.get(ctx.db);
  const ranked = rankBySimilarity(row, others, TOP).filter((c) => c.similarity.score >= MIN_SCORE);
  return {
    windowDays: WINDOW_DAYS,
    items: ranked.map((c) => {
      const category = ref.categoriesById.get(c.categoryId);
      const location = c.locationId !== null ? ref.locationsById.get(c.locationId) : undefined;
      return {
        id: c.id,
        trackingCode: c.trackingCode,
        version: c.version,
        status: c.status,
        receivedAt: c.receivedAt,
        category: category ? { code: category.code, name: localName(category, ctx.lang) } : null,
        location: location ? { code: location.code, name: localName(location, ctx.lang) } : null,
        samePlace: c.similarity.samePlace,
        excerpt: excerpt(c.description),
        score: c.similarity.score,
      };
    }),
  };
}
