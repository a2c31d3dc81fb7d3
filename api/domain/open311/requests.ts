import { and, asc, desc, eq, gt, gte, inArray, lt, lte, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { type CASE_STATUSES, caseEvents, casePhotos, cases, categories, locations, stations } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { eventWords } from '../../contract/events.ts';
import { notFound } from '../../errors.ts';
import { t } from '../../i18n.ts';
import { toShanghaiIso } from '../deadlines/shanghai-time.ts';
import { localName } from '../meta.ts';
import { publicPhotoPath } from '../photos/read.ts';
import { statusWord } from '../sms/words.ts';
import { identifyReader } from './api-keys.ts';
import type { RequestFilters } from './filters.ts';
import { normalizePublicId } from './public-id.ts';
import { locationKey } from './services.ts';

/**
 * Service requests as Open311 readers may read them, by their public id
 * (never the tracking code: see public-id.ts).
 *
 * Anyone may read the list, so what a stranger sees is only what says nothing
 * about the person behind a case: its service, station and place (and the
 * coordinates the filing app chose to send), its status in a neutral phrase,
 * and its times. The office's reply, a return reason, the department and the
 * timeline reach only the client whose API key filed that request — it is the
 * citizen's own channel — as the status page reaches only the holder of the
 * tracking code and phone digits. The reporter's name, phone, email and own
 * words leave for no one: the description is never published.
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
  /** The public id (service_request_id). */
  id: string;
  status: 'open' | 'closed';
  detailedStatus: CaseStatus;
  /** The status in words; for the filing key, the reply, the return reason or the request it duplicates. */
  statusNotes: string;
  service: { code: string; name: string };
  /** The lead department: for the filing key only. */
  agency: string | undefined;
  requestedAt: Date;
  updatedAt: Date;
  expectedAt: Date | undefined;
  address: string | undefined;
  addressId: string | undefined;
  lat: number | undefined;
  long: number | undefined;
  station: string;
  /** For the filing key only. */
  kind: string | undefined;
  /** The public timeline: for the filing key only, with extensions. */
  notes?: PublicNote[] | undefined;
  /** The first photo staff made public, as an absolute URL (GeoReport's media_url); never a private one. */
  mediaUrl?: string | undefined;
}

/** Who reads: a stranger, or the client holding the live key with this id. */
export interface Reader {
  apiKey?: string | undefined;
}

const master = alias(cases, 'master_case');
const submitted = alias(caseEvents, 'open311_event');

function selectRequests(ctx: Ctx) {
  return ctx.db
    .select({
      id: cases.id,
      publicId: cases.publicId,
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
      // Where the place or station is, for requests the app filed without coordinates.
      placeLat: sql<number | null>`coalesce(${locations.latitude}, ${stations.latitude})`,
      placeLong: sql<number | null>`coalesce(${locations.longitude}, ${stations.longitude})`,
      leadDepartmentId: cases.leadDepartmentId,
      receivedAt: cases.receivedAt,
      updatedAt: cases.updatedAt,
      replyDueAt: cases.replyDueAt,
      replyText: cases.replyText,
      returnReason: cases.returnReason,
      masterPublicId: master.publicId,
      // From the filing event: the coordinates (published) and the key that filed (to know the filer when it reads).
      lat: sql<string | null>`${submitted.data}->>'lat'`,
      long: sql<string | null>`${submitted.data}->>'long'`,
      filedBy: sql<string | null>`coalesce(${cases.apiKeyId}::text, ${submitted.data}->>'apiKeyId')`,
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
  if (filters.ids) return [inArray(cases.publicId, filters.ids.length ? filters.ids : [''])];
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
export async function queryRequests({ ctx, input }: { ctx: Ctx; input: RequestFilters & Reader }): Promise<PublicRequest[]> {
  const [rows, reader] = await Promise.all([
    selectRequests(ctx)
      .where(and(...conditions(input)))
      .orderBy(desc(cases.receivedAt), desc(cases.publicId))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    identifyReader(ctx, input.apiKey),
  ]);
  return present(ctx, rows, input.extensions, reader);
}

/** One request by its public id (upper case forgiven), or a 404 — the same for a tracking code as for any unknown id. */
export async function getRequest({ ctx, input }: { ctx: Ctx; input: { id: string; extensions: boolean } & Reader }): Promise<PublicRequest> {
  const id = normalizePublicId(input.id);
  const [rows, reader] = await Promise.all([id ? selectRequests(ctx).where(eq(cases.publicId, id)).limit(1) : [], identifyReader(ctx, input.apiKey)]);
  if (!rows.length) throw notFound('open311.request_not_found', { id: input.id.slice(0, 40) });
  const [request] = await present(ctx, rows, input.extensions, reader);
  return request!;
}

async function present(ctx: Ctx, rows: Row[], extensions: boolean, readerKeyId: string | undefined): Promise<PublicRequest[]> {
  if (!rows.length) return [];
  const filedByReader = (row: Row) => readerKeyId !== undefined && row.filedBy === readerKeyId;
  const own = rows.filter(filedByReader);
  const [ref, notes, photos] = await Promise.all([
    ctx.reference.get(ctx.db),
    extensions && own.length ? publicNotes(ctx, own) : undefined,
    firstPublicPhotos(
      ctx,
      rows.map((r) => r.id),
    ),
  ]);
  const { lang } = ctx;
  return rows.map((row) => {
    const filer = filedByReader(row);
    const department = filer && row.leadDepartmentId !== null ? ref.departmentsById.get(row.leadDepartmentId) : undefined;
    const station = localName({ nameZh: row.stationZh, nameEn: row.stationEn }, lang);
    const place = row.locationCode !== null ? localName({ nameZh: row.locationZh!, nameEn: row.locationEn! }, lang) : undefined;
    const [lat, long] = coordinatesOf(row);
    const ended = row.status === 'returned' || row.status === 'merged';
    return {
      id: row.publicId,
      status: georeportStatus(row.status),
      detailedStatus: row.status,
      statusNotes: statusNotes(ctx, row, filer),
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
      kind: filer ? row.kind : undefined,
      ...(notes && filer ? { notes: notes.get(row.id) ?? [] } : {}),
      ...(photos.has(row.id) ? { mediaUrl: `${ctx.config.publicBaseUrl}${publicPhotoPath(photos.get(row.id)!)}` } : {}),
    };
  });
}

/** Each case's first public photo (by when it was added), for media_url. */
async function firstPublicPhotos(ctx: Ctx, caseIds: string[]): Promise<Map<string, string>> {
  const rows = await ctx.db
    .select({ caseId: casePhotos.caseId, id: casePhotos.id })
    .from(casePhotos)
    .where(and(inArray(casePhotos.caseId, caseIds), eq(casePhotos.isPublic, true)))
    .orderBy(asc(casePhotos.createdAt), asc(casePhotos.id));
  const first = new Map<string, string>();
  for (const r of rows) if (!first.has(r.caseId)) first.set(r.caseId, r.id);
  return first;
}

/**
 * Where a map client should place the request: the coordinates the app sent,
 * else its place's, else its station's (set by admins; the office's own
 * places, so nothing about the reporter).
 */
function coordinatesOf(row: Row): [number | undefined, number | undefined] {
  const sent = [row.lat, row.long].map((v) => (v !== null ? Number(v) : Number.NaN));
  if (Number.isFinite(sent[0]) && Number.isFinite(sent[1])) return [sent[0], sent[1]];
  const place = [row.placeLat, row.placeLong].map((v) => (v !== null ? Number(v) : Number.NaN));
  if (Number.isFinite(place[0]) && Number.isFinite(place[1])) return [place[0], place[1]];
  return [undefined, undefined];
}

/**
 * For a stranger, the status in the office's public words (those of the SMS
 * status answer). For the filing key, why the request is closed: the office's
 * reply, the reason it was returned, or the request it duplicates (by public id).
 */
function statusNotes(ctx: Ctx, row: Row, filer: boolean): string {
  const phrase = statusWord(row.status, ctx.lang);
  if (!filer) return phrase;
  switch (row.status) {
    case 'replied':
    case 'closed':
      return row.replyText ?? phrase;
    case 'returned':
      return row.returnReason ?? phrase;
    case 'merged':
      return row.masterPublicId ? t(ctx.lang, 'open311.status_note.merged', { code: row.masterPublicId }) : phrase;
    default:
      return phrase;
  }
}

/**
 * The public timeline of the filing key's own requests, as notes. Only what the
 * public status page shows: the step, its time, and the office's public words
 * (the reply, a return reason, a new deadline, the master of a merge by its
 * public id). Ratings and comments stay out.
 */
async function publicNotes(ctx: Ctx, rows: Row[]): Promise<Map<string, PublicNote[]>> {
  const masters = new Map(rows.map((r) => [r.id, r.masterPublicId]));
  const events = await ctx.db
    .select({ caseId: caseEvents.caseId, type: caseEvents.type, at: caseEvents.at, data: caseEvents.data })
    .from(caseEvents)
    .where(and(inArray(caseEvents.caseId, [...masters.keys()]), eq(caseEvents.isPublic, true)))
    .orderBy(asc(caseEvents.id));
  const byCase = new Map<string, PublicNote[]>();
  for (const e of events) {
    // The contract's words for Open311 (api/contract/events.ts); a type it does not know keeps its code.
    const summary = eventWords(e.type, 'open311', ctx.lang) ?? e.type;
    const description = noteText(ctx, e.type, e.data, masters.get(e.caseId) ?? null);
    const note: PublicNote = { at: e.at, type: e.type, summary, ...(description ? { description } : {}) };
    const list = byCase.get(e.caseId);
    if (list) list.push(note);
    else byCase.set(e.caseId, [note]);
  }
  return byCase;
}

export function noteText(ctx: Ctx, type: string, data: Record<string, unknown>, masterPublicId: string | null): string | undefined {
  const text = (k: string) => (typeof data[k] === 'string' && data[k] !== '' ? (data[k] as string) : undefined);
  switch (type) {
    case 'replied':
      return text('text');
    case 'returned':
      return text('reason');
    case 'merged':
      // The event names the master by its tracking code, the secret of another reporter: name it by its public id.
      return masterPublicId ? t(ctx.lang, 'open311.status_note.merged', { code: masterPublicId }) : undefined;
    case 'reopened':
      return text('reason') === 'dissatisfied' ? t(ctx.lang, 'open311.note.reopened_dissatisfied') : text('reason');
    case 'redispatched':
    case 'extension_approved': {
      const due = text('newDueAt');
      return due && !Number.isNaN(Date.parse(due)) ? t(ctx.lang, 'open311.note.new_due', { due: toShanghaiIso(new Date(due)) }) : undefined;
    }
    default:
      return undefined;
  }
}
