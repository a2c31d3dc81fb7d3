import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  ACTOR_TYPES,
  APPEAL_STATUSES,
  CASE_KINDS,
  CASE_STATUSES,
  CHANNELS,
  DAY_KINDS,
  DURATION_UNITS,
  EXTENSION_STATUSES,
  OUTBOX_CHANNELS,
  OUTBOX_STATUSES,
  PRIORITIES,
  RESOLUTIONS,
  SATISFACTIONS,
  STAFF_ROLES,
} from '../api/contract/enums.ts';

/*
 * The office's data. Columns are snake_case in SQL (drizzle's casing option),
 * camelCase here. Timestamps are timestamptz; the office's own day is Asia/Shanghai.
 */

/*
 * The enums are the API contract's (api/contract/enums.ts): the database
 * follows the contract, never the reverse. Changing a list there changes a
 * pgEnum here, which needs a migration (drizzle-kit generate shows it).
 */

export {
  ACTOR_TYPES,
  APPEAL_STATUSES,
  CASE_KINDS,
  CASE_STATUSES,
  CHANNELS,
  DAY_KINDS,
  DURATION_UNITS,
  EXTENSION_STATUSES,
  OUTBOX_CHANNELS,
  OUTBOX_STATUSES,
  PRIORITIES,
  RESOLUTIONS,
  SATISFACTIONS,
  STAFF_ROLES,
};

export const caseKind = pgEnum('case_kind', CASE_KINDS);
export const priority = pgEnum('priority', PRIORITIES);
export const channel = pgEnum('channel', CHANNELS);
export const caseStatus = pgEnum('case_status', CASE_STATUSES);
export const staffRole = pgEnum('staff_role', STAFF_ROLES);
export const outboxChannel = pgEnum('outbox_channel', OUTBOX_CHANNELS);
export const outboxStatus = pgEnum('outbox_status', OUTBOX_STATUSES);
export const durationUnit = pgEnum('duration_unit', DURATION_UNITS);
export const dayKind = pgEnum('day_kind', DAY_KINDS);
export const actorType = pgEnum('actor_type', ACTOR_TYPES);

const timestamps = {
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
};

export const stations = pgTable(
  'stations',
  {
    id: serial().primaryKey(),
    code: text().notNull().unique(),
    nameZh: text().notNull(),
    nameEn: text().notNull(),
    city: text().notNull(),
    /** Where it is on a map (WGS 84), set by admins; Open311 places requests filed without coordinates here. */
    latitude: doublePrecision(),
    longitude: doublePrecision(),
    active: boolean().notNull().default(true),
    sortOrder: integer().notNull().default(0),
    ...timestamps,
  },
  (t) => [check('stations_coordinates', sql`(${t.latitude} is null) = (${t.longitude} is null) and ${t.latitude} between -90 and 90 and ${t.longitude} between -180 and 180`)],
);

/** The office's own sections (科室) and the partner units it works with. */
export const departments = pgTable('departments', {
  id: serial().primaryKey(),
  code: text().notNull().unique(),
  nameZh: text().notNull(),
  nameEn: text().notNull(),
  isPartner: boolean().notNull().default(false),
  email: text(),
  active: boolean().notNull().default(true),
  ...timestamps,
});

export const categories = pgTable('categories', {
  id: serial().primaryKey(),
  code: text().notNull().unique(),
  nameZh: text().notNull(),
  nameEn: text().notNull(),
  defaultDepartmentId: integer().references(() => departments.id),
  defaultPriority: priority().notNull().default('normal'),
  active: boolean().notNull().default(true),
  sortOrder: integer().notNull().default(0),
  ...timestamps,
});

export const locations = pgTable(
  'locations',
  {
    id: serial().primaryKey(),
    stationId: integer()
      .notNull()
      .references(() => stations.id),
    code: text().notNull(),
    nameZh: text().notNull(),
    nameEn: text().notNull(),
    /** Where it is on a map (WGS 84), set by admins; Open311 places requests filed without coordinates here. */
    latitude: doublePrecision(),
    longitude: doublePrecision(),
    active: boolean().notNull().default(true),
    sortOrder: integer().notNull().default(0),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('locations_station_code_uq').on(t.stationId, t.code),
    check('locations_coordinates', sql`(${t.latitude} is null) = (${t.longitude} is null) and ${t.latitude} between -90 and 90 and ${t.longitude} between -180 and 180`),
  ],
);

export const staffUsers = pgTable(
  'staff_users',
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    name: text().notNull(),
    passwordHash: text().notNull(),
    role: staffRole().notNull(),
    departmentId: integer().references(() => departments.id),
    active: boolean().notNull().default(true),
    ...timestamps,
  },
  (t) => [uniqueIndex('staff_users_email_uq').on(sql`lower(${t.email})`)],
);

export const cases = pgTable(
  'cases',
  {
    id: uuid().primaryKey().defaultRandom(),
    trackingCode: text().notNull(),
    /**
     * The id Open311 publishes (service_request_id). Random and unrelated to the
     * tracking code, which is half of the status-lookup secret and never listed.
     */
    publicId: text().notNull().default(sql`gen_random_uuid()::text`),
    stationId: integer()
      .notNull()
      .references(() => stations.id),
    channel: channel().notNull(),
    /** The other system's reference, e.g. the 12345 order number (工单编号). */
    externalRef: text(),
    kind: caseKind().notNull(),
    categoryId: integer()
      .notNull()
      .references(() => categories.id),
    locationId: integer().references(() => locations.id),
    description: text().notNull(),
    reporterPhone: text(),
    reporterEmail: text(),
    reporterName: text(),
    /** Last four digits of the reporter's phone, for the public status lookup. */
    reporterPhone4: text(),
    lang: text().notNull().default('zh-CN'),
    /** The Open311 client (API key) that filed the case; it is then the citizen's channel for status. */
    apiKeyId: uuid().references((): AnyPgColumn => apiKeys.id),
    /** Open311 `attribute[...]` keys the service does not define, kept as the client sent them. */
    attributes: jsonb().$type<Record<string, string>>(),
    /** An Open311 `media_url`: a picture the client hosts, shown to staff as a link. */
    mediaUrl: text(),
    priority: priority().notNull().default('normal'),
    status: caseStatus().notNull().default('new'),
    leadDepartmentId: integer().references(() => departments.id),
    masterCaseId: uuid(),
    receivedAt: timestamp({ withTimezone: true }).notNull(),
    ackDueAt: timestamp({ withTimezone: true }).notNull(),
    contactDueAt: timestamp({ withTimezone: true }).notNull(),
    replyDueAt: timestamp({ withTimezone: true }).notNull(),
    acknowledgedAt: timestamp({ withTimezone: true }),
    contactedAt: timestamp({ withTimezone: true }),
    repliedAt: timestamp({ withTimezone: true }),
    closedAt: timestamp({ withTimezone: true }),
    replyText: text(),
    /** The soonest clock not yet met (acknowledge, contact or reply); drives queues and sweeps. */
    nextDueAt: timestamp({ withTimezone: true }),
    /** When the deadline sweeper next has something to do for this case (a warning or an escalation). */
    nextAlertAt: timestamp({ withTimezone: true }),
    /** Where the reply clock started: receipt, or the reopening (重办). */
    replyStartedAt: timestamp({ withTimezone: true }),
    /** Once a clock is met: seconds between deadline and the act (negative = early), for reporting. */
    ackDeltaSeconds: integer(),
    contactDeltaSeconds: integer(),
    replyDeltaSeconds: integer(),
    /** Red cases are owned by a named leader (领导包案). */
    priorityOwner: text(),
    extensionCount: integer().notNull().default(0),
    reopenCount: integer().notNull().default(0),
    /**
     * The first round's reply deadline and reply, kept at the first reopening (重办):
     * the on-time rate counts the first answer against its deadline, and the redo on
     * its own. Null while the case was never reopened (the current ones are the first).
     */
    firstReplyDueAt: timestamp({ withTimezone: true }),
    firstRepliedAt: timestamp({ withTimezone: true }),
    returnReason: text(),
    /** Set when a citizen or 12345 is dissatisfied and the office flags rather than reopens; the dispatcher clears it. */
    flaggedAt: timestamp({ withTimezone: true }),
    overdue: boolean().notNull().default(false),
    /** Optimistic concurrency: every write names the version it read. */
    version: integer().notNull().default(1),
    /** Set by a trigger on every write (migration 0007); the stats fold clears it once the case is in the rollups. */
    statsDirty: boolean().notNull().default(true),
    /** The latest evaluation's answers, kept by a trigger on evaluations (migration 0007), for the published rates. */
    lastSatisfaction: text().$type<(typeof SATISFACTIONS)[number]>(),
    lastResolved: text().$type<(typeof RESOLUTIONS)[number]>(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('cases_tracking_code_uq').on(t.trackingCode),
    uniqueIndex('cases_public_id_uq').on(t.publicId),
    uniqueIndex('cases_channel_external_ref_uq').on(t.channel, t.externalRef),
    index('cases_status_reply_due_idx').on(t.status, t.replyDueAt),
    index('cases_station_received_idx').on(t.stationId, t.receivedAt),
    index('cases_lead_department_idx').on(t.leadDepartmentId, t.status),
    index('cases_queue_idx').on(t.status, t.nextDueAt),
    index('cases_next_alert_idx').on(t.nextAlertAt).where(sql`next_alert_at is not null`),
    index('cases_stats_dirty_idx').on(t.receivedAt).where(sql`stats_dirty`),
    check('cases_description_len', sql`char_length(${t.description}) between 1 and 5000`),
  ],
);

/**
 * The append-only timeline. A trigger (migration 0001) refuses UPDATE, DELETE and
 * TRUNCATE, so history cannot be rewritten even by code that tries.
 */
export const caseEvents = pgTable(
  'case_events',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    caseId: uuid()
      .notNull()
      .references(() => cases.id),
    type: text().notNull(),
    at: timestamp({ withTimezone: true }).notNull(),
    actorType: actorType().notNull(),
    actorId: text(),
    /** Public entries are shown to the citizen; internal ones never leave the staff API. */
    isPublic: boolean().notNull().default(false),
    data: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index('case_events_case_idx').on(t.caseId, t.id),
    // Open311's servicerequestupdates reads the public steps of a time range, oldest first.
    index('case_events_public_at_idx').on(t.at, t.id).where(sql`is_public`),
  ],
);

/** Deadline policies, matched most-specific-first on channel, kind, category and priority. */
export const deadlinePolicies = pgTable('deadline_policies', {
  id: serial().primaryKey(),
  name: text().notNull(),
  channel: channel(),
  kind: caseKind(),
  categoryId: integer().references(() => categories.id),
  priority: priority(),
  ackAmount: numeric({ mode: 'number' }),
  ackUnit: durationUnit(),
  contactAmount: numeric({ mode: 'number' }),
  contactUnit: durationUnit(),
  replyAmount: numeric({ mode: 'number' }),
  replyUnit: durationUnit(),
  source: text(),
  active: boolean().notNull().default(true),
  ...timestamps,
});

/** One row per day that differs from "Mon–Fri work, Sat–Sun rest", or every day of a seeded year. */
export const calendarDays = pgTable('calendar_days', {
  day: date({ mode: 'string' }).primaryKey(),
  kind: dayKind().notNull(),
  isWorkday: boolean().notNull(),
  name: text(),
});

export const outbox = pgTable(
  'outbox',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    channel: outboxChannel().notNull(),
    /** Phone in E.164, email address, or callback URL. */
    recipient: text().notNull(),
    template: text().notNull(),
    lang: text().notNull().default('zh-CN'),
    payload: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    caseId: uuid().references(() => cases.id),
    status: outboxStatus().notNull().default('pending'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastError: text(),
    idempotencyKey: text().notNull().unique(),
    providerMessageId: text(),
    /** Which provider took it: twilio, resend, http, or local (no credentials: recorded, not sent). */
    provider: text(),
    /** What the provider later reported (Twilio status callback, Resend event): delivered, bounced… */
    deliveryStatus: text(),
    deliveredAt: timestamp({ withTimezone: true }),
    /** When the provider's event behind deliveryStatus happened: an older event never overwrites a newer one. */
    deliveryStatusAt: timestamp({ withTimezone: true }),
    /**
     * Set when an attempt ended without knowing whether the provider took the
     * message (timeout, reset, 5xx): the next attempt looks it up before sending
     * again. Cleared once the outcome is known.
     */
    unconfirmedSince: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('outbox_due_idx').on(t.status, t.nextAttemptAt), index('outbox_provider_message_idx').on(t.providerMessageId)],
);

export const smsOptOuts = pgTable('sms_opt_outs', {
  phone: text().primaryKey(),
  optedOutAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Co-handling departments (协办) of a case, beside its lead department. */
export const caseDepartments = pgTable(
  'case_departments',
  {
    caseId: uuid()
      .notNull()
      .references(() => cases.id),
    departmentId: integer()
      .notNull()
      .references(() => departments.id),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.departmentId] })],
);

/** Server-side staff sessions: revocable, the cookie holds only a random token whose hash is stored. */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    tokenHash: text().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => staffUsers.id),
    csrfToken: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('staff_sessions_user_idx').on(t.userId)],
);

export const extensionStatus = pgEnum('extension_status', EXTENSION_STATUSES);

/** Extension requests (延期): asked by a handler, decided by a dispatcher or supervisor. */
export const extensionRequests = pgTable(
  'extension_requests',
  {
    id: serial().primaryKey(),
    caseId: uuid()
      .notNull()
      .references(() => cases.id),
    requestedBy: uuid()
      .notNull()
      .references(() => staffUsers.id),
    reason: text().notNull(),
    requestedDueAt: timestamp({ withTimezone: true }).notNull(),
    previousDueAt: timestamp({ withTimezone: true }).notNull(),
    status: extensionStatus().notNull().default('pending'),
    decidedBy: uuid().references(() => staffUsers.id),
    decidedAt: timestamp({ withTimezone: true }),
    decisionNote: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('extension_requests_case_idx').on(t.caseId),
    // At most one open request per case.
    uniqueIndex('extension_requests_one_pending_uq').on(t.caseId).where(sql`status = 'pending'`),
  ],
);

export const satisfaction = pgEnum('satisfaction', SATISFACTIONS);
export const resolution = pgEnum('resolution', RESOLUTIONS);

/**
 * Satisfaction after a reply (回访): from the citizen (site, SMS survey) or from
 * the 12345 platform's own follow-up. One per source per reply round, so a
 * reopened and re-answered case can be rated again.
 */
export const evaluations = pgTable(
  'evaluations',
  {
    id: serial().primaryKey(),
    caseId: uuid()
      .notNull()
      .references(() => cases.id),
    source: text().notNull(),
    replyRound: integer().notNull(),
    satisfaction: satisfaction().notNull(),
    /** Null when the answer says nothing about resolution (an SMS rating is one digit of satisfaction). */
    resolved: resolution(),
    comment: text(),
    evaluatedAt: timestamp({ withTimezone: true }).notNull(),
    /** Set when the 12345 platform accepts an appeal of this rating (核减): it leaves the figures. */
    excludedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex('evaluations_once_per_reply_uq').on(t.caseId, t.source, t.replyRound)],
);

export const appealStatus = pgEnum('appeal_status', APPEAL_STATUSES);

/**
 * Appeals of unreasonable 12345 ratings (申诉/核减): a handler files one with
 * reasons, a supervisor sends it to the platform, the platform's decision comes
 * back through the feed. An accepted appeal excludes the rating (evaluations.excluded_at).
 */
export const ratingAppeals = pgTable(
  'rating_appeals',
  {
    id: serial().primaryKey(),
    caseId: uuid()
      .notNull()
      .references(() => cases.id),
    evaluationId: integer()
      .notNull()
      .references(() => evaluations.id),
    reasons: text().notNull(),
    status: appealStatus().notNull().default('filed'),
    filedBy: uuid()
      .notNull()
      .references(() => staffUsers.id),
    filedAt: timestamp({ withTimezone: true }).notNull(),
    sentBy: uuid().references(() => staffUsers.id),
    sentAt: timestamp({ withTimezone: true }),
    decidedAt: timestamp({ withTimezone: true }),
    decisionNote: text(),
  },
  (t) => [
    index('rating_appeals_case_idx').on(t.caseId),
    // At most one appeal per rating that is not refused (open, sent or accepted).
    uniqueIndex('rating_appeals_one_per_rating_uq').on(t.evaluationId).where(sql`status <> 'refused'`),
  ],
);

/**
 * What the deadline sweeper has already done: one row per case, clock, kind and
 * deadline. Its primary key is what makes each warning and escalation happen
 * once, however often and however concurrently the sweeper runs; a moved
 * deadline (extension, reopening) is a new key and may warn again.
 */
export const caseAlerts = pgTable(
  'case_alerts',
  {
    caseId: uuid()
      .notNull()
      .references(() => cases.id),
    clock: text().notNull(),
    kind: text().notNull(),
    dueAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.clock, t.kind, t.dueAt] })],
);

/**
 * Inbound SMS, one row per Twilio MessageSid: a webhook retried by Twilio is
 * answered from here with the same reply and changes nothing twice.
 */
export const smsInbound = pgTable('sms_inbound', {
  messageSid: text().primaryKey(),
  fromPhone: text().notNull(),
  body: text().notNull(),
  receivedAt: timestamp({ withTimezone: true }).notNull(),
  command: text().notNull(),
  caseId: uuid().references(() => cases.id),
  reply: text().notNull(),
});

/**
 * The 12345 feed's memory of each order as last applied: its non-personal
 * fields (the caller's name and phone live on the case). A repeat push is
 * compared with this, not with the case, so a repeat never undoes what staff
 * changed since (a recategorization, an approved extension).
 */
export const feedOrders = pgTable('feed_orders', {
  orderNo: text().primaryKey(),
  caseId: uuid()
    .notNull()
    .references(() => cases.id),
  snapshot: jsonb().$type<Record<string, unknown>>().notNull(),
  ...timestamps,
});

/**
 * Feed signatures already accepted, kept while they could still verify (their
 * timestamp ± 5 minutes, pruned after 10), so a replay of an identical signed
 * request is refused on every server.
 */
export const feedSignatures = pgTable(
  'feed_signatures',
  {
    mac: text().primaryKey(),
    signedAt: timestamp({ withTimezone: true }).notNull(),
    /** The answer given to the request, so an identical retry after a lost response gets it again. */
    responseStatus: integer(),
    responseBody: jsonb().$type<unknown>(),
  },
  (t) => [index('feed_signatures_signed_at_idx').on(t.signedAt)],
);

/*
 * The published figures (api/domain/stats): rollups kept by the stats fold, so
 * that GET /api/stats never scans the cases. A case is counted on the day
 * (Asia/Shanghai) it was received, in its current state.
 */
export const STATS_DIMS = ['total', 'channel', 'kind', 'category', 'department', 'location', 'category_location'] as const;
export const STATS_METRICS = ['ack', 'contact', 'reply', 'close'] as const;

/** What the fold last added to the rollups for each case, so that a change subtracts exactly that. */
export const caseStatFacts = pgTable(
  'case_stat_facts',
  {
    caseId: uuid()
      .primaryKey()
      .references(() => cases.id),
    /** The received day (Asia/Shanghai). */
    day: date({ mode: 'string' }).notNull(),
    stationId: integer().notNull(),
    channel: text().notNull(),
    kind: text().notNull(),
    categoryId: integer().notNull(),
    departmentId: integer(),
    locationId: integer(),
    received: smallint().notNull(),
    returned: smallint().notNull(),
    closed: smallint().notNull(),
    evaluated: smallint().notNull(),
    /** Evaluated with a known answer on resolution (an SMS rating leaves it unknown). */
    resolutionKnown: smallint().notNull(),
    resolved: smallint().notNull(),
    satisfied: smallint().notNull(),
    /**
     * The clocks the published rates judge (migration 0013), each with whether it
     * was met — which does not depend on the time of reading; a clock not met whose
     * deadline is still ahead is running, decided when the figures are read. Null:
     * no such clock (merged or returned, never reopened).
     * First round's reply deadline (按期办结率), counted on the deadline's day.
     */
    dueAt: timestamp({ withTimezone: true }),
    dueMet: smallint().notNull(),
    /** The redo's reply deadline (重办按期率), counted on its day; only for a reopened case. */
    redoDueAt: timestamp({ withTimezone: true }),
    redoMet: smallint().notNull(),
    /** Acknowledge deadline (响应率), counted on the received day. */
    ackDueAt: timestamp({ withTimezone: true }),
    ackMet: smallint().notNull(),
    /** 24 hours after receipt (first contact within 24 h), counted on the received day. */
    contactDueAt: timestamp({ withTimezone: true }),
    contactMet: smallint().notNull(),
    /**
     * The latest deadline among the acknowledge, first-contact and redo clocks not met:
     * past it none of these is running. (A first reply deadline not met is running when
     * its day is after today — the rollups say how many — or today and still ahead:
     * case_stat_facts_due_unmet_idx.)
     */
    openUntil: timestamp({ withTimezone: true }),
    ackSeconds: integer(),
    contactSeconds: integer(),
    replySeconds: integer(),
    closeSeconds: integer(),
  },
  (t) => [
    index('case_stat_facts_day_idx').on(t.day, t.stationId),
    // The clocks still running at a read are the few facts with open_until ahead of now,
    index('case_stat_facts_open_until_idx').on(t.openUntil).where(sql`open_until is not null`),
    // and those whose first reply deadline, not met, is later today.
    index('case_stat_facts_due_unmet_idx').on(t.dueAt).where(sql`due_met = 0`),
  ],
);

/**
 * Counters per day, station and dimension value (dim 'total' has the value
 * 'all'). Station 0 holds all stations together, for every dimension but
 * those whose value is itself at one station (location, category_location).
 * A case counts on more than one day (migration 0013): its received day for
 * the intake, closure, response, first-contact and evaluation counters; its
 * first reply deadline's day for due/due_met; its redo deadline's day for
 * redo_due/redo_met. The *_due counters include clocks still running; a read
 * subtracts those (case_stat_facts.open_until). The primary key INCLUDEs the
 * counters, for index-only reads.
 */
export const statsDaily = pgTable(
  'stats_daily',
  {
    dim: text().notNull(),
    day: date({ mode: 'string' }).notNull(),
    stationId: integer().notNull(),
    value: text().notNull(),
    received: integer().notNull().default(0),
    returned: integer().notNull().default(0),
    closed: integer().notNull().default(0),
    evaluated: integer().notNull().default(0),
    resolutionKnown: integer().notNull().default(0),
    resolved: integer().notNull().default(0),
    satisfied: integer().notNull().default(0),
    ackDue: integer().notNull().default(0),
    ackMet: integer().notNull().default(0),
    contactDue: integer().notNull().default(0),
    contactMet: integer().notNull().default(0),
    due: integer().notNull().default(0),
    dueMet: integer().notNull().default(0),
    redoDue: integer().notNull().default(0),
    redoMet: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.dim, t.stationId, t.day, t.value] })],
);

/**
 * Histograms of the times to acknowledge, contact, reply and close, per received
 * month (its first day), station (0: all, as in stats_daily) and dimension value;
 * buckets from stats_bucket(). The primary key INCLUDEs the count (migration 0009).
 */
export const statsTimes = pgTable(
  'stats_times',
  {
    dim: text().notNull(),
    month: date({ mode: 'string' }).notNull(),
    stationId: integer().notNull(),
    value: text().notNull(),
    metric: text().notNull(),
    bucket: smallint().notNull(),
    count: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.dim, t.stationId, t.month, t.value, t.metric, t.bucket] })],
);

/**
 * API keys for Open311 GeoReport v2 (a POST of a service request needs one).
 * Admins issue and revoke them; the key is shown once, at issue, and only its
 * SHA-256 is kept, so a leaked table files no case. Revoked keys stay, for the
 * record of who filed what.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid().primaryKey().defaultRandom(),
    keyHash: text().notNull(),
    /** What the key is for, e.g. the civic app that uses it. */
    name: text().notNull(),
    /** Who holds it: the organisation or person to contact about its use. */
    owner: text().notNull(),
    createdBy: uuid()
      .notNull()
      .references(() => staffUsers.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp({ withTimezone: true }),
    revokedBy: uuid().references(() => staffUsers.id),
    lastUsedAt: timestamp({ withTimezone: true }),
    /** Service requests the key may file per hour, set at issue; refused requests do not use it up. */
    hourlyQuota: integer().notNull().default(100),
  },
  (t) => [uniqueIndex('api_keys_key_hash_uq').on(t.keyHash), check('api_keys_hourly_quota', sql`${t.hourlyQuota} between 1 and 100000`)],
);

/**
 * Failed sign-ins per account and client address. A client that guesses is
 * locked out; a stranger elsewhere cannot lock staff out of their own account.
 * An account's failures from every address together only slow its sign-ins down.
 */
export const signInFailures = pgTable(
  'sign_in_failures',
  {
    /** lower(email) as typed, so unknown accounts are counted the same way as known ones. */
    account: text().notNull(),
    client: text().notNull(),
    failures: integer().notNull().default(0),
    lockedUntil: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.account, t.client] }), index('sign_in_failures_updated_idx').on(t.updatedAt)],
);

/**
 * Provider webhook deliveries already processed (Resend's svix-id), so a
 * redelivery is acknowledged without acting twice. Pruned after a week.
 */
export const webhookReceipts = pgTable(
  'webhook_receipts',
  {
    provider: text().notNull(),
    eventId: text().notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.eventId] }), index('webhook_receipts_received_idx').on(t.receivedAt)],
);

/**
 * Open311 updates posted by a client (mySociety's servicerequestupdates
 * extension), by the client's own update id: a retried POST answers with the
 * update already recorded instead of adding it twice.
 */
export const open311UpdateReceipts = pgTable(
  'open311_update_receipts',
  {
    apiKeyId: uuid()
      .notNull()
      .references(() => apiKeys.id),
    clientUpdateId: text().notNull(),
    caseEventId: bigint({ mode: 'number' })
      .notNull()
      .references(() => caseEvents.id),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.apiKeyId, t.clientUpdateId] })],
);

/**
 * Shared rate-limit buckets (token buckets by limit name and client key), so
 * several Node servers on one database hold one budget. Idle rows are pruned.
 */
export const rateLimits = pgTable(
  'rate_limits',
  {
    name: text().notNull(),
    key: text().notNull(),
    tokens: doublePrecision().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.key] }), index('rate_limits_updated_idx').on(t.updatedAt)],
);

/** The last run of each scheduled job (deadline sweep, stats fold, outbox, ...), for the admin health page. */
export const jobRuns = pgTable('job_runs', {
  job: text().primaryKey(),
  startedAt: timestamp({ withTimezone: true }).notNull(),
  finishedAt: timestamp({ withTimezone: true }),
  ok: boolean(),
  /** A short, personal-data-free description of the last failure. */
  error: text(),
  lastOkAt: timestamp({ withTimezone: true }),
  runs: integer().notNull().default(0),
});

/** Office settings admins change at run time (e.g. how long closed cases keep their photos). */
export const settings = pgTable('settings', {
  key: text().primaryKey(),
  value: jsonb().$type<unknown>().notNull(),
  updatedBy: uuid().references(() => staffUsers.id),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * Photos of a case: re-encoded without metadata, with a thumbnail; the original
 * bytes are never kept. Private to staff until a staff member marks one public.
 */
export const casePhotos = pgTable(
  'case_photos',
  {
    id: uuid().primaryKey().defaultRandom(),
    caseId: uuid()
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    /** Object keys in the photo store (a DATA_DIR folder, an S3 bucket or R2). */
    storageKey: text().notNull(),
    thumbKey: text().notNull(),
    contentType: text().notNull(),
    width: integer().notNull(),
    height: integer().notNull(),
    bytes: integer().notNull(),
    /** Where it came from: web, staff, open311. */
    source: text().notNull(),
    isPublic: boolean().notNull().default(false),
    publicSetBy: uuid().references(() => staffUsers.id),
    publicSetAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('case_photos_case_idx').on(t.caseId, t.createdAt)],
);
