import { and, asc, desc, eq, gt, gte, inArray, lt, lte, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { caseEvents, cases, CASE_STATUSES, categories, locations, stations } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { t } from '../../i18n.ts';
import { normalizeTrackingCode } from '../cases/tracking-code.ts';
import { toShanghaiIso } from '../deadlines/shanghai-time.ts';
import { localName } from '../meta.ts';
import type { RequestFilters } from './filters.ts';
import { locationKey } from './services.ts';

/**
 * Service requests as the public may read them: every case, by its tracking
 * code. What leaves here is the office's own account of a case — its service,
 * place, status, clocks, the department on it and the public reply — and never
 * the reporter's name, phone, email or own words: the description, like the
 * reporter's contact, is not published (the public status page does not show
 * it either). The coordinates a civic app sent are the one exception the
 * reporter chose to give.
 */
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const OPEN_STATUSES = ['new', 'assigned', 'in_progress'] as const satisfies readonly CaseStatus[];
export const CLOSED_STATUSES = ['replied', 'closed', 'returned', 'merged'] as const satisfies readonly CaseStatus[];

/** GeoReport knows two states: open (reported, being handled) and closed (answered, or ended without an answer). */
export function georeportStatus(status: CaseStatus): 'open' | 'closed' {
  return (OPEN_STATUSES as readonly CaseStatus[]).includes(status) ? 'open' : 'closed';
}

/** The timeline event an Open311 filing adds: which key filed it, and where the app said it happened. */
export const OPEN311_EVENT = 'open311_submitted';

export interface PublicNote {
  at: Date;
  type: string;
  summary: string;
  description?: string | undefined;
}

export interface PublicRequest {
  trackingCode: string;
  status: 'open' | 'closed';
  detailedStatus: CaseStatus;
  statusNotes: string | undefined;
  service: { code: string; name: string };
  agency: string | undefined;
  requestedAt: Date;
  updatedAt: Date;
  expectedAt: Date | undefined;
  address: string | undefined;
  addressId: string | undefined;
  lat: number | undefined;
  long: number | undefined;
  station: string;
  kind: string;
  /** Only with extensions. */
  notes?: PublicNote[] | undefined;
}

const master = alias(cases, 'master_case');
const submitted = alias(caseEvents, 'open311_event');

function selectRequests(ctx: Ctx) {
  return ctx.db
    .select({
      id: cases.id,
      trackingCode: cases.trackingCode,
      status: cases.status,
      kind: cases.kind,
      categoryCode: categories.code,
      categoryZh: categories.nameZh,
      categoryEn: categories.nameEn,
      stationCode: stations.code,
      stationZh: stations.nameZh,
      stationEn: stations.nameEn,
      locationCode: locations.code,
      locationZh: locations.nameZh,
      locationEn: locations.nameEn,
      leadDepartmentId: cases.leadDepartmentId,
      receivedAt: cases.receivedAt,
      updatedAt: cases.updatedAt,
      replyDueAt: cases.replyDueAt,
      replyText: cases.replyText,
      returnReason: cases.returnReason,
      masterCode: master.trackingCode,
      // Only the coordinates are read from the filing event; its other fields stay internal.
      lat: sql<string | null>`${submitted.data}->>'lat'`,
      long: sql<string | null>`${submitted.data}->>'long'`,
    })
    .from(cases)
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .innerJoin(stations, eq(stations.id, cases.stationId))
    .leftJoin(locations, eq(locations.id, cases.locationId))
    .leftJoin(master, eq(master.id, cases.masterCaseId))
    .leftJoin(submitted, and(eq(submitted.caseId, cases.id), eq(submitted.type, OPEN311_EVENT)));
}

type Row = Awaited<ReturnType<typeof selectRequests>>[number];

function conditions(filters: RequestFilters): SQL[] {
  if (filters.ids) return [inArray(cases.trackingCode, filters.ids.length ? filters.ids : [''])];
  const where: SQL[] = [];
  if (filters.serviceCodes) where.push(inArray(categories.code, filters.serviceCodes));
  if (filters.statuses && filters.statuses.length === 1) {
    where.push(inArray(cases.status, filters.statuses[0] === 'open' ? [...OPEN_STATUSES] : [...CLOSED_STATUSES]));
  }
  if (filters.requested?.from) where.push(gte(cases.receivedAt, filters.requested.from));
  if (filters.requested?.to) where.push(lte(cases.receivedAt, filters.requested.to));
  if (filters.updated?.from) where.push(gt(cases.updatedAt, filters.updated.from));
  if (filters.updated?.to) where.push(lt(cases.updatedAt, filters.updated.to));
  return where;
}

/** Newest first; a page of at most 1,000 (the spec's default limit, and the extension's largest page). */
export async function queryRequests({ ctx, input }: { ctx: Ctx; input: RequestFilters }): Promise<PublicRequest[]> {
  const rows = await selectRequests(ctx)
    .where(and(...conditions(input)))
    .orderBy(desc(cases.receivedAt), desc(cases.trackingCode))
    .limit(input.pageSize)
    .offset((input.page - 1) * input.pageSize);
  return present(ctx, rows, input.extensions);
}

/** One request by its id (a tracking code, dashes and case forgiven), or a 404. */
export async function getRequest({ ctx, input }: { ctx: Ctx; input: { id: string; extensions: boolean } }): Promise<PublicRequest> {
  const code = normalizeTrackingCode(input.id);
  const rows = code ? await selectRequests(ctx).where(eq(cases.trackingCode, code)).limit(1) : [];
  if (!rows.length) throw notFound('open311.request_not_found', { id: input.id.slice(0, 40) });
  const [request] = await present(ctx, rows, input.extensions);
  return request!;
}

async function present(ctx: Ctx, rows: Row[], extensions: boolean): Promise<PublicRequest[]> {
  if (!rows.length) return [];
  const [ref, notes] = await Promise.all([ctx.reference.get(ctx.db), extensions ? publicNotes(ctx, rows.map((r) => r.id)) : undefined]);
  const { lang } = ctx;
  return rows.map((row) => {
    const department = row.leadDepartmentId !== null ? ref.departmentsById.get(row.leadDepartmentId) : undefined;
    const station = localName({ nameZh: row.stationZh, nameEn: row.stationEn }, lang);
    const place = row.locationCode !== null ? localName({ nameZh: row.locationZh!, nameEn: row.locationEn! }, lang) : undefined;
    const lat = row.lat !== null ? Number(row.lat) : undefined;
    const long = row.long !== null ? Number(row.long) : undefined;
    const ended = row.status === 'returned' || row.status === 'merged';
    return {
      trackingCode: row.trackingCode,
      status: georeportStatus(row.status),
      detailedStatus: row.status,
      statusNotes: statusNotes(ctx, row),
      service: { code: row.categoryCode, name: localName({ nameZh: row.categoryZh, nameEn: row.categoryEn }, lang) },
      agency: department ? localName(department, lang) : undefined,
      requestedAt: row.receivedAt,
      updatedAt: row.updatedAt,
      // A returned or merged case will not be answered here: no date is promised.
      expectedAt: ended ? undefined : row.replyDueAt,
      // Most specific first, as the spec asks: the place, then the station.
      address: place ? (lang === 'en' ? `${place}, ${station}` : `${station}${place}`) : station,
      addressId: row.locationCode !== null ? locationKey(row.stationCode, row.locationCode) : undefined,
      lat: Number.isFinite(lat) && Number.isFinite(long) ? lat : undefined,
      long: Number.isFinite(lat) && Number.isFinite(long) ? long : undefined,
      station: row.stationCode,
      kind: row.kind,
      ...(notes ? { notes: notes.get(row.id) ?? [] } : {}),
    };
  });
}

/** Why the request is closed: the office's public reply, the reason it was returned, or the request it duplicates. */
function statusNotes(ctx: Ctx, row: Row): string | undefined {
  switch (row.status) {
    case 'replied':
    case 'closed':
      return row.replyText ?? undefined;
    case 'returned':
      return row.returnReason ?? undefined;
    case 'merged':
      return row.masterCode ? t(ctx.lang, 'open311.status_note.merged', { code: row.masterCode }) : undefined;
    default:
      return undefined;
  }
}

/**
 * The public timeline, as notes. Only what the public status page shows: the
 * step, its time, and the office's public words (the reply, a return reason, a
 * new deadline, the master of a merge). Ratings and comments stay out.
 */
async function publicNotes(ctx: Ctx, caseIds: string[]): Promise<Map<string, PublicNote[]>> {
  const events = await ctx.db
    .select({ caseId: caseEvents.caseId, type: caseEvents.type, at: caseEvents.at, data: caseEvents.data })
    .from(caseEvents)
    .where(and(inArray(caseEvents.caseId, caseIds), eq(caseEvents.isPublic, true)))
    .orderBy(asc(caseEvents.id));
  const byCase = new Map<string, PublicNote[]>();
  for (const e of events) {
    const key = `open311.note.${e.type}`;
    const summary = t(ctx.lang, key);
    const description = noteText(ctx, e.type, e.data);
    const note: PublicNote = { at: e.at, type: e.type, summary: summary === key ? e.type : summary, ...(description ? { description } : {}) };
    const list = byCase.get(e.caseId);
    if (list) list.push(note);
    else byCase.set(e.caseId, [note]);
  }
  return byCase;
}

function noteText(ctx: Ctx, type: string, data: Record<string, unknown>): string | undefined {
  const text = (k: string) => (typeof data[k] === 'string' && data[k] !== '' ? (data[k] as string) : undefined);
  switch (type) {
    case 'replied':
      return text('text');
    case 'returned':
      return text('reason');
    case 'merged':
      return text('mergedInto') ? t(ctx.lang, 'open311.status_note.merged', { code: text('mergedInto')! }) : undefined;
    case 'reopened':
      return text('reason') === 'dissatisfied' ? t(ctx.lang, 'open311.note.reopened_dissatisfied') : text('reason');
    case 'extension_approved': {
      const due = text('newDueAt');
      return due && !Number.isNaN(Date.parse(due)) ? t(ctx.lang, 'open311.note.new_due', { due: toShanghaiIso(new Date(due)) }) : undefined;
    }
    default:
      return undefined;
  }
}
