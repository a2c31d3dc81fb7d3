import { and, asc, gte, lt, type SQL, sql } from 'drizzle-orm';
import { caseEvents, cases } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { type LabelledEnum, label } from '../../contract/labels.ts';
import { forbidden, invalidInput } from '../../errors.ts';
import type { Lang } from '../../i18n.ts';
import { canDo } from '../cases/access.ts';
import { type CaseFilters, queueConditions } from '../cases/queue.ts';
import { endOfShanghaiDay, startOfShanghaiDay } from '../deadlines/shanghai-time.ts';
import { kindName, localName } from '../meta.ts';
import type { Staff } from '../staff/session.ts';
import { BOM, csvLine } from './csv.ts';
import { channelName } from './definitions.ts';
import { isCalendarDate } from './range.ts';

/**
 * CSV export of cases for staff: the queue's filters (and the caller's scope:
 * handlers get their department's cases), plus a received-date range; all
 * statuses with `status=all`. Streamed page by page (keyset on received time),
 * so a year of a city's cases never sits in memory.
 *
 * No personal data by default: the reporter's name, phone and email are added
 * only for a supervisor who asks (`reveal`), and then every exported
 * case gets a `contact_revealed` event in its timeline — written before its
 * row leaves — as a single look at a contact does.
 */
export interface CaseExportFilters extends Omit<CaseFilters, 'status'> {
  /** The queue's statuses, or 'all' (closed and returned cases too). */
  status?: CaseFilters['status'] | 'all' | undefined;
  from?: string | undefined;
  to?: string | undefined;
  reveal?: boolean | undefined;
}

export const EXPORT_PAGE = 1000;
/**
 * Contacts in bulk are the supervisors' to export: a role that may also see one
 * case's contact (PERMISSIONS.reveal), so an export never shows more than the
 * same person could open case by case. Admins run the system and see no
 * contacts either way.
 */
export const EXPORT_CONTACT_ROLES = ['supervisor'] as const;

export function mayExportContacts(staff: Staff): boolean {
  return (EXPORT_CONTACT_ROLES as readonly string[]).includes(staff.role) && canDo(staff, 'reveal');
}

const HEADERS: Array<[string, string]> = [
  ['查询码', 'tracking code'],
  ['状态', 'status'],
  ['等级', 'priority'],
  ['类型', 'kind'],
  ['渠道', 'channel'],
  ['外部编号', 'external reference'],
  ['车站', 'station'],
  ['问题类别', 'category'],
  ['地点', 'location'],
  ['主办部门', 'lead department'],
  ['协办部门', 'co-handling departments'],
  ['受理时间', 'received'],
  ['签收时限', 'acknowledge by'],
  ['签收时间', 'acknowledged'],
  ['首次联系', 'first contact'],
  ['答复时限', 'reply by'],
  ['答复时间', 'replied'],
  ['办结时间', 'closed'],
  ['延期次数', 'extensions'],
  ['重办次数', 'reopened'],
  ['当前超期', 'overdue now'],
  ['满意度', 'satisfaction'],
  ['是否解决', 'resolved'],
  ['诉求内容', 'description'],
];
const CONTACT_HEADERS: Array<[string, string]> = [
  ['姓名', 'name'],
  ['电话', 'phone'],
  ['邮箱', 'email'],
];

/** Checks the filters and the caller's rights now (a 400 or 403 before any byte is sent), then streams. */
export async function exportCases({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: CaseExportFilters }) {
  if (input.reveal && !mayExportContacts(staff)) throw forbidden('stats.reveal_forbidden');
  const conditions = await queueConditions(ctx, staff, input);
  for (const field of ['from', 'to'] as const) {
    const value = input[field];
    if (value === undefined) continue;
    if (!isCalendarDate(value)) throw invalidInput('invalid_input', [{ field, code: 'invalid', message: 'stats.date_invalid' }], { fields: field });
    conditions.push(field === 'from' ? gte(cases.receivedAt, startOfShanghaiDay(value)) : lt(cases.receivedAt, endOfShanghaiDay(value)));
  }
  if (input.reveal) ctx.logger.warn('case export with contact details', { requestId: ctx.requestId, staffId: staff.id, role: staff.role });
  return { rows: streamRows(ctx, staff, conditions, Boolean(input.reveal)) };
}

async function* streamRows(ctx: Ctx, staff: Staff, conditions: Array<SQL | undefined>, reveal: boolean): AsyncGenerator<string> {
  const ref = await ctx.reference.get(ctx.db);
  const lang: Lang = ctx.lang;
  const pick = (table: LabelledEnum, v: string | null) => (v === null ? '' : label(table, v, lang));
  const local = (d: Date | null) => (d ? new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ') : '');
  const dept = (id: number | null) =>
    id === null
      ? ''
      : (() => {
          const d = ref.departmentsById.get(id);
          return d ? localName(d, lang) : `#${id}`;
        })();
  yield BOM + csvLine([...HEADERS, ...(reveal ? CONTACT_HEADERS : [])].map(([zh, en]) => (lang === 'en' ? en : zh)));
  let after: { at: string; id: string } | undefined;
  let exported = 0;
  for (;;) {
    const page = await ctx.db
      .select({
        id: cases.id,
        // The exact timestamp as text: a JS Date keeps milliseconds, the column microseconds.
        cursorAt: sql<string>`${cases.receivedAt}::text`,
        trackingCode: cases.trackingCode,
        status: cases.status,
        priority: cases.priority,
        kind: cases.kind,
        channel: cases.channel,
        externalRef: cases.externalRef,
        stationId: cases.stationId,
        categoryId: cases.categoryId,
        locationId: cases.locationId,
        leadDepartmentId: cases.leadDepartmentId,
        coDepartmentIds: sql<number[] | null>`(select array_agg(cd.department_id order by cd.department_id) from case_departments cd where cd.case_id = ${cases.id})`,
        receivedAt: cases.receivedAt,
        ackDueAt: cases.ackDueAt,
        acknowledgedAt: cases.acknowledgedAt,
        contactedAt: cases.contactedAt,
        replyDueAt: cases.replyDueAt,
        repliedAt: cases.repliedAt,
        closedAt: cases.closedAt,
        extensionCount: cases.extensionCount,
        reopenCount: cases.reopenCount,
        nextDueAt: cases.nextDueAt,
        lastSatisfaction: cases.lastSatisfaction,
        lastResolved: cases.lastResolved,
        description: cases.description,
        reporterName: cases.reporterName,
        reporterPhone: cases.reporterPhone,
        reporterEmail: cases.reporterEmail,
      })
      .from(cases)
      .where(and(...conditions, after ? sql`(${cases.receivedAt}, ${cases.id}) > (${after.at}::timestamptz, ${after.id}::uuid)` : undefined))
      .orderBy(asc(cases.receivedAt), asc(cases.id))
      .limit(EXPORT_PAGE);
    if (!page.length) break;
    if (reveal) {
      // Accounted for before it leaves: one timeline entry per case whose contact is exported.
      await ctx.db
        .insert(caseEvents)
        .values(page.map((c) => ({ caseId: c.id, type: 'contact_revealed', at: ctx.clock.now(), actorType: 'staff' as const, actorId: staff.id, isPublic: false, data: { via: 'export' } })));
    }
    const lines: string[] = [];
    for (const c of page) {
      const station = ref.stationsById.get(c.stationId);
      const category = ref.categoriesById.get(c.categoryId);
      const location = c.locationId === null ? undefined : ref.locationsById.get(c.locationId);
      lines.push(
        csvLine([
          c.trackingCode,
          pick('status', c.status),
          pick('priority', c.priority),
          kindName(c.kind, lang),
          channelName(c.channel, lang),
          c.externalRef,
          station ? localName(station, lang) : `#${c.stationId}`,
          category ? localName(category, lang) : `#${c.categoryId}`,
          location ? localName(location, lang) : c.locationId === null ? '' : `#${c.locationId}`,
          dept(c.leadDepartmentId),
          (c.coDepartmentIds ?? []).map((id) => dept(Number(id))).join('；'),
          local(c.receivedAt),
          local(c.ackDueAt),
          local(c.acknowledgedAt),
          local(c.contactedAt),
          local(c.replyDueAt),
          local(c.repliedAt),
          local(c.closedAt),
          c.extensionCount,
          c.reopenCount,
          c.nextDueAt !== null && c.nextDueAt < ctx.clock.now() ? (lang === 'en' ? 'yes' : '是') : '',
          pick('satisfaction', c.lastSatisfaction),
          pick('resolution', c.lastResolved),
          c.description,
          ...(reveal ? [c.reporterName, c.reporterPhone, c.reporterEmail] : []),
        ]),
      );
    }
    exported += page.length;
    yield lines.join('');
    const last = page[page.length - 1]!;
    after = { at: last.cursorAt, id: last.id };
    if (page.length < EXPORT_PAGE) break;
  }
  if (reveal) ctx.logger.warn('case export with contact details done', { requestId: ctx.requestId, staffId: staff.id, cases: exported });
}
