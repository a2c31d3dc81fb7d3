import { isStorableText, UNSTORABLE_MESSAGE, unstorableFields } from '../../contract/text.ts';
import { type FieldIssue, fieldIssues } from '../../errors.ts';
import type { Lang } from '../../i18n.ts';
import { t } from '../../i18n.ts';
import { type ParsedPhone, parsePhone } from '../cases/phone.ts';
import type { WorkdayLookup } from '../deadlines/calendar.ts';
import { firstAlertAt } from '../deadlines/clocks.ts';
import { computeDeadlines, type Deadlines } from '../deadlines/policy.ts';
import type { Category, Location, Reference, Station } from '../reference.ts';
import { composeDescription, FeedOrder, FeedOrderShape, type OrderSnapshot, type Urgency } from './order.ts';

/** Clock skew allowed on the platform's times, as on its signatures. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** The order's own fields: text in any of them goes to the database (a column, the snapshot or the event). */
const ORDER_FIELDS = Object.keys(FeedOrderShape);

export interface NormalizedOrder {
  orderNo: string;
  phone: ParsedPhone;
  callerName: string | null;
  station: Station;
  category: Category;
  location: Location | null;
  kind: FeedOrder['kind'];
  priority: 'normal' | 'blue' | 'yellow' | 'red';
  description: string;
  /** The case's receivedAt: when the office got the order (dispatchedAt). */
  receivedAt: Date;
  clocks: Deadlines;
  nextDueAt: Date;
  nextAlertAt: Date;
  snapshot: OrderSnapshot;
  /** What the created event records beside the snapshot: raw values we could not map, defaults taken. */
  notes: Record<string, unknown>;
}

export type Normalized = { ok: true; order: NormalizedOrder } | { ok: false; orderNo: string | null; fields: FieldIssue[] };

export interface NormalizeEnv {
  ref: Reference;
  isWorkday: WorkdayLookup;
  /** Minutes after 00:00 Beijing time when office hours end (config OFFICE_HOURS_END). */
  officeHoursEnd?: number | undefined;
  now: Date;
  lang: Lang;
  /** Station code for orders that name none; the first station (by sort order) when unset. */
  defaultStation?: string | undefined;
}

const issue = (field: string, key: string, lang: Lang, params: Record<string, string | number> = {}): FieldIssue => ({
  field,
  code: 'invalid',
  message: t(lang, key, params),
});

/**
 * Validates one raw order and maps it onto a case: kind, category (unknown →
 * other), station (missing → default), priority from urgency, the clocks
 * (the order's own deadlines win; policy fills the rest, never past dueAt).
 * Pure apart from the reference data it is handed.
 */
export function normalizeOrder(raw: unknown, env: NormalizeEnv): Normalized {
  const { ref, lang } = env;
  const rawNo = (raw as { orderNo?: unknown } | null)?.orderNo;
  // An order number the database cannot hold is not echoed either: the answer may be stored for a retried push.
  const orderNoGuess = typeof rawNo === 'string' && rawNo.trim() && isStorableText(rawNo) ? rawNo.trim().slice(0, 64) : typeof rawNo === 'number' ? String(rawNo) : null;
  // NUL or a lone surrogate rejects this order alone, before a statement could fail for the whole push.
  const unstorable = unstorableFields(raw, ORDER_FIELDS).map((field) => issue(field, UNSTORABLE_MESSAGE, lang));
  const parsed = FeedOrder.safeParse(raw);
  if (!parsed.success || unstorable.length) {
    return { ok: false, orderNo: orderNoGuess, fields: [...unstorable, ...(parsed.success ? [] : fieldIssues(parsed.error, lang))] };
  }
  const o = parsed.data;

  const fields: FieldIssue[] = [];
  const phone = parsePhone(o.callerPhone);
  if (!phone) fields.push(issue('callerPhone', 'phone.invalid', lang));
  const station = o.station ? findStation(ref, o.station) : defaultStation(ref, env.defaultStation);
  if (!station) fields.push(issue('station', 'station.unknown', lang));
  const category = (o.category ? findCategory(ref, o.category) : undefined) ?? ref.categoriesByCode.get('other');
  if (!category) fields.push(issue('category', 'category.unknown', lang));
  if (o.dispatchedAt.getTime() > env.now.getTime() + FUTURE_TOLERANCE_MS) fields.push(issue('dispatchedAt', 'feed.time_future', lang));
  if (o.receivedAt.getTime() > o.dispatchedAt.getTime()) fields.push(issue('receivedAt', 'feed.received_after_dispatch', lang));
  if (o.dueAt.getTime() <= o.dispatchedAt.getTime()) fields.push(issue('dueAt', 'feed.due_before_dispatch', lang));
  if (o.ackDueAt && (o.ackDueAt.getTime() < o.dispatchedAt.getTime() || o.ackDueAt.getTime() > o.dueAt.getTime())) {
    fields.push(issue('ackDueAt', 'feed.ack_outside', lang));
  }
  if (fields.length || !phone || !station || !category) return { ok: false, orderNo: o.orderNo, fields };

  const priority = priorityFor(o.urgency, category);
  const clocks = orderClocks(env, { kind: o.kind, categoryId: category.id, priority, dispatchedAt: o.dispatchedAt, ackDueAt: o.ackDueAt, dueAt: o.dueAt });
  const nextDueAt = new Date(Math.min(clocks.ackDueAt.getTime(), clocks.contactDueAt.getTime(), clocks.replyDueAt.getTime()));
  const clockFields = { status: 'new', priority, receivedAt: o.dispatchedAt, replyStartedAt: o.dispatchedAt, acknowledgedAt: null, contactedAt: null, repliedAt: null, ...clocks };
  // Red reaches supervisors at once; otherwise the sweeper first looks at the earliest warning.
  const nextAlertAt = priority === 'red' ? env.now : (firstAlertAt(clockFields) ?? nextDueAt);
  const snapshot: OrderSnapshot = {
    content: o.content,
    address: o.address ?? null,
    kind: o.kind,
    category: o.category ?? null,
    categoryCode: category.code,
    urgency: o.urgency,
    station: station.code,
    receivedAt: o.receivedAt.toISOString(),
    dispatchedAt: o.dispatchedAt.toISOString(),
    ackDueAt: o.ackDueAt?.toISOString() ?? null,
    dueAt: o.dueAt.toISOString(),
  };
  return {
    ok: true,
    order: {
      orderNo: o.orderNo,
      phone,
      callerName: o.callerName ?? null,
      station,
      category,
      location: findLocation(ref, station.id, o.address),
      kind: o.kind,
      priority,
      description: composeDescription(o.content, o.address),
      receivedAt: o.dispatchedAt,
      clocks,
      nextDueAt,
      nextAlertAt,
      snapshot,
      notes: {
        ...(o.category !== category.code ? { categoryRaw: o.category ?? null } : {}),
        ...(o.station ? {} : { stationDefaulted: true }),
        // 领导包案: red needs a named leader, which a feed cannot name; the dispatcher must.
        ...(priority === 'red' ? { ownerRequired: true } : {}),
      },
    },
  };
}

/** emergency → red, urgent → yellow, normal → the category's default colour. */
export function priorityFor(urgency: Urgency | string, category: Category): NormalizedOrder['priority'] {
  if (urgency === 'emergency') return 'red';
  if (urgency === 'urgent') return 'yellow';
  return category.defaultPriority;
}

/**
 * The three clocks of an order: reply = the order's dueAt; acknowledge = the
 * order's ackDueAt or policy; first contact = policy. A policy clock never runs
 * past the order's own reply deadline. Clocks run from dispatch, when the office got it.
 */
export function orderClocks(
  env: Pick<NormalizeEnv, 'ref' | 'isWorkday' | 'officeHoursEnd'>,
  o: { kind: string; categoryId: number; priority: string; dispatchedAt: Date; ackDueAt: Date | undefined | null; dueAt: Date },
): Deadlines {
  // The policy's rules (a colour never relaxes a clock, office hours), with the order's own reply deadline.
  const policy = computeDeadlines(env.ref.policies, { channel: '12345', kind: o.kind, categoryId: o.categoryId, priority: o.priority, receivedAt: o.dispatchedAt }, env.isWorkday, {
    replyDueAt: o.dueAt,
    officeHoursEnd: env.officeHoursEnd,
  });
  return { ...policy, ackDueAt: o.ackDueAt ?? policy.ackDueAt };
}

function findStation(ref: Reference, value: string): Station | undefined {
  const v = value.trim();
  return ref.stationsByCode.get(v) ?? ref.stationsByCode.get(v.toUpperCase()) ?? ref.stations.find((s) => s.nameZh === v || s.nameEn.toLowerCase() === v.toLowerCase());
}

function defaultStation(ref: Reference, code: string | undefined): Station | undefined {
  return (code ? ref.stationsByCode.get(code) : undefined) ?? ref.stations[0];
}

function findCategory(ref: Reference, value: string): Category | undefined {
  const v = value.trim();
  return ref.categoriesByCode.get(v) ?? ref.categoriesByCode.get(v.toLowerCase()) ?? ref.categories.find((c) => c.nameZh === v || c.nameEn.toLowerCase() === v.toLowerCase());
}

/** The station's place whose name the address mentions (the longest such name), if any. */
export function findLocation(ref: Reference, stationId: number, address: string | null | undefined): Location | null {
  if (!address) return null;
  let best: Location | null = null;
  for (const loc of ref.locationsByStation.get(stationId)?.values() ?? []) {
    if (address.includes(loc.nameZh) && (!best || loc.nameZh.length > best.nameZh.length)) best = loc;
  }
  return best;
}
