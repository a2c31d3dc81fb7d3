import { and, asc, eq, gte, inArray, lte } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { caseEvents, cases } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { eventWords } from '../../contract/events.ts';
import { type FieldIssue, invalidInput } from '../../errors.ts';
import { t } from '../../i18n.ts';
import { identifyReader } from './api-keys.ts';
import { MAX_PAGE_SIZE, type RawQuery, readRange } from './filters.ts';
import { noteText } from './requests.ts';

/**
 * mySociety's service request updates (the GeoReport extension FixMyStreet
 * reads with `GET servicerequestupdates.xml?start_date=&end_date=`): the
 * office's public steps on its cases — replies and status changes — one
 * update per public timeline event, oldest first.
 *
 * Only public events become updates (never ratings, internal notes or what a
 * citizen posted), and nothing about the reporter. The office's own words (the
 * reply, a return reason) go only to the key that filed the request, as on
 * `requests`; anyone else reads the step in neutral words.
 */
export const UPDATE_EVENT_TYPES = [
  'created',
  'assigned',
  'reassigned',
  'acknowledged',
  'contacted',
  'replied',
  'closed',
  'reopened',
  'returned',
  'merged',
  'extension_approved',
  'redispatched',
] as const;
type UpdateEventType = (typeof UPDATE_EVENT_TYPES)[number];

/**
 * The request's state after the step, in the words FixMyStreet's client maps
 * (Open311.pm map_state): open, in_progress, closed, duplicate,
 * no_further_action. A returned case is out of the office's scope.
 */
const UPDATE_STATUS: Record<UpdateEventType, string> = {
  created: 'open',
  assigned: 'open',
  reassigned: 'open',
  reopened: 'open',
  redispatched: 'open',
  acknowledged: 'in_progress',
  contacted: 'in_progress',
  extension_approved: 'in_progress',
  replied: 'closed',
  closed: 'closed',
  returned: 'no_further_action',
  merged: 'duplicate',
};

/** With no dates, the last day: FixMyStreet asks every few minutes for the last two hours. */
const DEFAULT_SPAN_MS = 24 * 3600_000;

export interface RequestUpdate {
  /** The timeline event's id: stable, unique, never reused. */
  updateId: string;
  requestId: string;
  status: string;
  at: Date;
  description: string;
}

export interface UpdateFilters {
  from: Date;
  to: Date;
  page: number;
  pageSize: number;
}

export function readUpdateFilters({ ctx, query }: { ctx: Ctx; query: RawQuery }): UpdateFilters {
  const issues: FieldIssue[] = [];
  const one = (k: string) => query[k]?.find((v) => v.trim() !== '')?.trim();
  const range = readRange(ctx, issues, ['start_date', 'end_date'], [one('start_date'), one('end_date')]);
  const page = one('page') ?? '1';
  const pageSize = one('page_size') ?? String(MAX_PAGE_SIZE);
  if (!/^\d{1,9}$/.test(page) || Number(page) < 1) issues.push({ field: 'page', code: 'invalid', message: t(ctx.lang, 'open311.page_invalid') });
  if (!/^\d{1,4}$/.test(pageSize) || Number(pageSize) < 1 || Number(pageSize) > MAX_PAGE_SIZE) {
    issues.push({ field: 'page_size', code: 'invalid', message: t(ctx.lang, 'open311.page_size_invalid', { max: MAX_PAGE_SIZE }) });
  }
  if (issues.length) throw invalidInput('invalid_input', issues, { fields: [...new Set(issues.map((i) => i.field))].join(', ') });
  const now = ctx.clock.now();
  return {
    from: range?.from ?? new Date(now.getTime() - DEFAULT_SPAN_MS),
    to: range?.to ?? now,
    page: Number(page),
    pageSize: Number(pageSize),
  };
}

const master = alias(cases, 'update_master');

/** The updates in [from, to], oldest first, a page at a time. */
export async function listRequestUpdates({ ctx, input }: { ctx: Ctx; input: UpdateFilters & { apiKey?: string | undefined } }): Promise<RequestUpdate[]> {
  const [rows, reader] = await Promise.all([
    ctx.db
      .select({
        id: caseEvents.id,
        type: caseEvents.type,
        at: caseEvents.at,
        data: caseEvents.data,
        publicId: cases.publicId,
        filedBy: cases.apiKeyId,
        masterPublicId: master.publicId,
      })
      .from(caseEvents)
      .innerJoin(cases, eq(cases.id, caseEvents.caseId))
      .leftJoin(master, eq(master.id, cases.masterCaseId))
      .where(and(eq(caseEvents.isPublic, true), inArray(caseEvents.type, [...UPDATE_EVENT_TYPES]), gte(caseEvents.at, input.from), lte(caseEvents.at, input.to)))
      .orderBy(asc(caseEvents.at), asc(caseEvents.id))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    identifyReader(ctx, input.apiKey),
  ]);
  return rows.map((row) => {
    const type = row.type as UpdateEventType;
    const step = eventWords(type, 'open311', ctx.lang) ?? type;
    const own = reader !== undefined && row.filedBy === reader;
    // The office's words for the filing client; the step alone for anyone else.
    const words = own ? noteText(ctx, type, row.data, row.masterPublicId) : undefined;
    return {
      updateId: String(row.id),
      requestId: row.publicId,
      status: UPDATE_STATUS[type],
      at: row.at,
      description: words ? (ctx.lang === 'en' ? `${step}: ${words}` : `${step}：${words}`) : step,
    };
  });
}
