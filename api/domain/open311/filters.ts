import type { Ctx } from '../../context.ts';
import { type FieldIssue, invalidInput } from '../../errors.ts';
import { t } from '../../i18n.ts';
import { normalizePublicId } from './public-id.ts';

/**
 * The filters of GET requests, read from the query as GeoReport v2 and its
 * common extensions define them. An empty parameter is the same as an absent
 * one (the spec's "optional arguments"); anything malformed is a 400 that
 * names the parameter.
 */
export const MAX_SPAN_DAYS = 90;
export const MAX_PAGE_SIZE = 1000;
/**
 * FixMyStreet's status sync sends every report it still shows in one list. A
 * thousand public ids is ~37 kB of query string: the Node server takes headers
 * that large (workers/node.ts), and Cloudflare takes URLs up to 16 kB in the
 * path plus query… see README ("Lookups by id").
 */
export const MAX_IDS = 1000;
const DAY_MS = 86_400_000;
const SPAN_MS = MAX_SPAN_DAYS * DAY_MS;

export interface Range {
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface RequestFilters {
  /** When given, every other filter but the page and extensions is ignored (the spec: "overrides all other arguments"). */
  ids?: string[] | undefined;
  serviceCodes?: string[] | undefined;
  statuses?: Array<'open' | 'closed'> | undefined;
  /** On requested_datetime, inclusive. */
  requested?: Range | undefined;
  /** On updated_datetime, exclusive (updated_after / updated_before). */
  updated?: Range | undefined;
  page: number;
  pageSize: number;
  extensions: boolean;
}

/** Repeated parameters and comma lists both count: `status=open,closed` or `status=open&status=closed`. */
export type RawQuery = Record<string, string[] | undefined>;

const list = (raw: string[] | undefined) =>
  (raw ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
const single = (raw: string[] | undefined) => {
  const v = raw?.find((x) => x.trim() !== '')?.trim();
  return v === undefined || v === '' ? undefined : v;
};

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// A '+' left unencoded in a query string arrives as a space: read it as the '+' it was.
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|z|[+\- ]\d{2}:\d{2})$/;
const SHANGHAI_OFFSET_MIN = 8 * 60;

/**
 * A W3C datetime (ISO 8601 with a time zone, as the spec requires), or a bare
 * date, read as that day in Asia/Shanghai: its start, or for the upper bound of
 * a range its end, so that `end_date=2026-03-05` includes the whole day.
 */
export function parseW3cDate(value: string, bound: 'from' | 'to' = 'from'): Date | undefined {
  const date = DATE.exec(value);
  const full = date ? undefined : DATETIME.exec(value);
  const m = date ?? full;
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = full ? [Number(full[4]), Number(full[5]), Number(full[6] ?? 0)] : [0, 0, 0];
  const millis = full?.[7] ? Math.floor(Number(`0${full[7]}`) * 1000) : 0;
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMin = SHANGHAI_OFFSET_MIN;
  if (full) {
    const zone = full[8]!;
    if (zone === 'Z' || zone === 'z') offsetMin = 0;
    else {
      const [oh, om] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))];
      if (oh > 14 || om > 59) return undefined;
      offsetMin = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
    }
  }
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const at = local - offsetMin * 60_000;
  return new Date(date && bound === 'to' ? at + DAY_MS - 1 : at);
}

export function readRange(ctx: Ctx, issues: FieldIssue[], names: [string, string], raw: [string | undefined, string | undefined]): Range | undefined {
  const [fromName, toName] = names;
  const from = raw[0] !== undefined ? parseW3cDate(raw[0], 'from') : undefined;
  const to = raw[1] !== undefined ? parseW3cDate(raw[1], 'to') : undefined;
  if (raw[0] !== undefined && !from) issues.push({ field: fromName, code: 'invalid', message: t(ctx.lang, 'open311.date_invalid', { field: fromName }) });
  if (raw[1] !== undefined && !to) issues.push({ field: toName, code: 'invalid', message: t(ctx.lang, 'open311.date_invalid', { field: toName }) });
  if ((raw[0] !== undefined && !from) || (raw[1] !== undefined && !to)) return undefined;
  if (!from && !to) return undefined;
  // One end given: the other lies the longest allowed span away.
  const range = { from: from ?? new Date(to!.getTime() - SPAN_MS), to: to ?? new Date(from!.getTime() + SPAN_MS) };
  if (range.from > range.to) {
    issues.push({ field: fromName, code: 'invalid', message: t(ctx.lang, 'open311.date_order', { from: fromName, to: toName }) });
  } else if (range.to.getTime() - range.from.getTime() > SPAN_MS) {
    issues.push({ field: toName, code: 'too_big', message: t(ctx.lang, 'open311.range_too_long', { from: fromName, to: toName, days: MAX_SPAN_DAYS }) });
  }
  return range;
}

function positiveInt(value: string | undefined, fallback: number, max: number): number | undefined {
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 && n <= max ? n : undefined;
}

export async function readRequestFilters({ ctx, query }: { ctx: Ctx; query: RawQuery }): Promise<RequestFilters> {
  const issues: FieldIssue[] = [];
  const issue = (field: string, key: string, params: Record<string, string | number> = {}) => issues.push({ field, code: 'invalid', message: t(ctx.lang, key, params) });

  const page = positiveInt(single(query.page), 1, 1_000_000_000);
  if (page === undefined) issue('page', 'open311.page_invalid');
  const pageSize = positiveInt(single(query.page_size), MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  if (pageSize === undefined) issue('page_size', 'open311.page_size_invalid', { max: MAX_PAGE_SIZE });
  const extensionsRaw = single(query.extensions)?.toLowerCase();
  if (extensionsRaw !== undefined && extensionsRaw !== 'true' && extensionsRaw !== 'false') issue('extensions', 'open311.extensions_invalid');

  const rawIds = list(query.service_request_id);
  let ids: string[] | undefined;
  let serviceCodes: string[] | undefined;
  let statuses: RequestFilters['statuses'];
  let requested: Range | undefined;
  let updated: Range | undefined;
  if (rawIds.length) {
    if (rawIds.length > MAX_IDS) issue('service_request_id', 'open311.too_many_ids', { max: MAX_IDS });
    // An id that cannot be a public id (a tracking code among them) matches nothing; it is not an error.
    ids = [...new Set(rawIds.map(normalizePublicId).filter((c): c is string => c !== undefined))];
  } else {
    const codes = list(query.service_code);
    if (codes.length) {
      const ref = await ctx.reference.get(ctx.db);
      for (const code of codes) if (!ref.categoriesByCode.has(code)) issue('service_code', 'open311.service_not_found', { code });
      serviceCodes = [...new Set(codes)];
    }
    const rawStatuses = list(query.status).map((s) => s.toLowerCase());
    if (rawStatuses.some((s) => s !== 'open' && s !== 'closed')) issue('status', 'open311.status_invalid');
    if (rawStatuses.length) statuses = [...new Set(rawStatuses)] as Array<'open' | 'closed'>;

    requested = readRange(ctx, issues, ['start_date', 'end_date'], [single(query.start_date), single(query.end_date)]);
    updated = readRange(ctx, issues, ['updated_after', 'updated_before'], [single(query.updated_after), single(query.updated_before)]);
    // No dates at all: the most recent 90 days, as the spec says.
    if (!requested && !updated && !issues.some((i) => /date|updated/.test(i.field))) {
      const now = ctx.clock.now();
      requested = { from: new Date(now.getTime() - SPAN_MS), to: now };
    }
  }

  if (issues.length) throw invalidInput('invalid_input', issues, { fields: [...new Set(issues.map((i) => i.field))].join(', ') });
  return { ids, serviceCodes, statuses, requested, updated, page: page!, pageSize: pageSize!, extensions: extensionsRaw === 'true' };
}
