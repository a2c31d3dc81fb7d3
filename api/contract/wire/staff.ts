import { z } from 'zod';
import { APPEAL_STATUSES, CASE_KINDS, CASE_STATUSES, CHANNELS, PRIORITIES, RESOLUTIONS, SATISFACTIONS, STAFF_CHANNELS, STAFF_ROLES } from '../enums.ts';
import { LANGS } from '../lang.ts';
import { text as storable } from '../text.ts';

const Named = z.object({ code: z.string(), name: z.string() });
const Instant = z.string().meta({ example: '2026-03-06T00:00:00.000Z' });

export const StaffIdentity = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(STAFF_ROLES),
    departmentId: z.number().int().nullable(),
  })
  .meta({ id: 'StaffIdentity' });

export const SignInBody = z.object({ email: storable().trim().min(3).max(254), password: z.string().min(1).max(256) }).meta({ id: 'SignIn' });
export const SessionInfo = z.object({ staff: StaffIdentity, csrfToken: z.string(), expiresAt: Instant.optional() }).meta({ id: 'StaffSession' });

const boolQuery = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();

/** Comma-separated statuses; with `all`, also the word `all` (the case export's "every status"). */
function statusList<A extends boolean>(allowAll: A) {
  return z
    .string()
    .optional()
    .transform((v, ctx): (A extends true ? 'all' : never) | Array<(typeof CASE_STATUSES)[number]> | undefined => {
      if (!v) return undefined;
      if (allowAll && v === 'all') return 'all' as A extends true ? 'all' : never;
      const parts = v.split(',').map((p) => p.trim());
      if (parts.some((p) => !(CASE_STATUSES as readonly string[]).includes(p))) {
        ctx.addIssue({ code: 'custom', message: 'field.invalid_value' });
        return z.NEVER;
      }
      return parts as Array<(typeof CASE_STATUSES)[number]>;
    });
}

export const QueueQuery = z.object({
  status: statusList(false).meta({ param: { name: 'status', in: 'query' }, description: 'Comma-separated statuses; default the open ones' }),
  station: storable().max(16).optional(),
  department: storable().max(64).optional(),
  category: storable().max(64).optional(),
  priority: z.enum(PRIORITIES).optional(),
  channel: z.enum(CHANNELS).optional(),
  overdue: boolQuery,
  dueSoon: boolQuery,
  flagged: boolQuery.meta({ description: 'Only cases flagged by a dissatisfied rating, awaiting review' }),
  pendingExtension: boolQuery.meta({ description: 'Only cases with an extension request awaiting its decision' }),
  q: storable().max(100).optional(),
  cursor: storable().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  lang: z.enum(LANGS).optional(),
});

/** The case export: the queue's filters (all statuses with `status=all`), a received-date range, and contacts on request. */
export const CaseExportQuery = QueueQuery.omit({ status: true, cursor: true, limit: true }).extend({
  status: statusList(true).meta({ param: { name: 'status', in: 'query' }, description: 'Comma-separated statuses, or `all`; default the open ones (as the queue)' }),
  from: storable().max(10).optional().meta({ description: 'Received on or after (YYYY-MM-DD, Asia/Shanghai)' }),
  to: storable().max(10).optional().meta({ description: 'Received on or before (YYYY-MM-DD, Asia/Shanghai)' }),
  reveal: boolQuery.meta({ description: 'Add the reporter’s name, phone and email (supervisors only, as for one case’s contact; each case’s timeline records it)' }),
});

export const QueueItem = z.object({
  id: z.string(),
  trackingCode: z.string(),
  status: z.enum(CASE_STATUSES),
  priority: z.enum(PRIORITIES),
  kind: z.enum(CASE_KINDS),
  channel: z.enum(CHANNELS),
  station: z.string().nullable(),
  category: Named.nullable(),
  leadDepartment: Named.nullable(),
  receivedAt: Instant,
  nextDueAt: Instant.nullable(),
  replyDueAt: Instant,
  overdue: z.boolean(),
  provisional: z.boolean().meta({ description: 'A clock still running ends in a year whose holidays are not published yet' }),
  flaggedAt: Instant.nullable(),
  urgedAt: Instant.nullable().meta({ description: 'When the 12345 platform last urged (催办) this order; null when never' }),
  version: z.number().int(),
  summary: z.string(),
  stationId: z.number().int(),
  categoryId: z.number().int(),
  leadDepartmentId: z.number().int().nullable(),
});
export const QueuePage = z.object({ items: z.array(QueueItem), nextCursor: z.string().nullable() }).meta({ id: 'QueuePage' });

export const QueueCounts = z
  .object({
    new: z.number().int(),
    assigned: z.number().int(),
    inProgress: z.number().int(),
    replied: z.number().int(),
    overdue: z.number().int(),
    dueSoon: z.number().int(),
    red: z.number().int(),
    flagged: z.number().int(),
    pendingExtensions: z.number().int(),
  })
  .meta({ id: 'QueueCounts' });

export const CaseDetail = z
  .object({
    id: z.string(),
    trackingCode: z.string(),
    version: z.number().int(),
    status: z.enum(CASE_STATUSES),
    channel: z.enum(CHANNELS),
    externalRef: z.string().nullable(),
    kind: z.enum(CASE_KINDS),
    priority: z.enum(PRIORITIES),
    priorityOwner: z.string().nullable(),
    station: Named.nullable(),
    category: Named.nullable(),
    suggestedDepartment: Named.nullable(),
    location: Named.nullable(),
    description: z.string(),
    reporter: z.object({
      phone: z.string().nullable(),
      email: z.string().nullable(),
      name: z.string().nullable(),
      masked: z.literal(true),
      textable: z.boolean().meta({ description: 'False when the reporter left no phone: no SMS reaches them' }),
    }),
    open311: z
      .object({
        client: z.string().nullable().meta({ description: 'The API key’s name: the app the citizen filed through and follows the case in' }),
        attributes: z.record(z.string(), z.string()).meta({ description: 'Attributes the app sent beyond the service’s own' }),
        mediaUrl: z.string().nullable(),
      })
      .nullable()
      .meta({ description: 'For a case filed through Open311' }),
    lang: z.string(),
    leadDepartment: Named.nullable(),
    coDepartments: z.array(Named),
    mergedInto: z.string().nullable(),
    returnReason: z.string().nullable(),
    receivedAt: Instant,
    ackDueAt: Instant,
    contactDueAt: Instant,
    replyDueAt: Instant,
    nextDueAt: Instant.nullable(),
    acknowledgedAt: Instant.nullable(),
    contactedAt: Instant.nullable(),
    repliedAt: Instant.nullable(),
    closedAt: Instant.nullable(),
    replyText: z.string().nullable(),
    extensionCount: z.number().int(),
    reopenCount: z.number().int(),
    flaggedAt: Instant.nullable(),
    overdue: z.boolean(),
    provisional: z
      .object({ ack: z.boolean(), contact: z.boolean(), reply: z.boolean() })
      .meta({ description: 'Per clock still running: its deadline falls in a year whose holidays are not published yet (counted Monday–Friday; importing the year recomputes it)' }),
    extensionLatestDueAt: Instant.nullable().meta({
      description: 'The latest reply deadline an extension may ask for now; null when no extension may be asked (deadline passed, limit reached, replied)',
    }),
    platformRatings: z
      .array(
        z.object({
          id: z.number().int(),
          replyRound: z.number().int(),
          satisfaction: z.enum(SATISFACTIONS),
          resolved: z.enum(RESOLUTIONS).nullable(),
          evaluatedAt: Instant,
          excludedAt: Instant.nullable(),
          appeal: z
            .object({
              id: z.number().int(),
              status: z.enum(APPEAL_STATUSES),
              reasons: z.string(),
              filedAt: Instant,
              sentAt: Instant.nullable(),
              decidedAt: Instant.nullable(),
              decisionNote: z.string().nullable(),
            })
            .nullable()
            .meta({ description: 'The latest appeal of this rating (申诉/核减), if any' }),
        }),
      )
      .meta({ description: 'The 12345 platform’s follow-up ratings (回访) of this case, with their appeals' }),
    extensions: z.array(
      z.object({
        id: z.number().int(),
        status: z.enum(['pending', 'approved', 'refused']),
        reason: z.string(),
        requestedDueAt: Instant,
        previousDueAt: Instant,
        createdAt: Instant,
        decidedAt: Instant.nullable(),
        decisionNote: z.string().nullable(),
      }),
    ),
    timeline: z.array(
      z.object({
        id: z.number().int(),
        type: z.string(),
        at: Instant,
        actor: z.object({ type: z.string(), id: z.string().nullable(), name: z.string().nullable() }),
        isPublic: z.boolean(),
        data: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .meta({ id: 'StaffCase' });

export const CaseIdParams = z.object({ id: z.uuid().meta({ param: { name: 'id', in: 'path' } }) });

export const Revealed = z.object({ phone: z.string().nullable(), email: z.string().nullable(), name: z.string().nullable() }).meta({ id: 'RevealedContact' });

const version = z.number().int().min(1).meta({ description: 'The case version you read; a stale one is a 409' });
const text = (max: number) => storable().trim().min(1).max(max);

export const VerbBodies = {
  assign: z.object({ version, leadDepartment: storable().max(64), coDepartments: z.array(storable().max(64)).max(10).optional(), note: text(1000).optional() }),
  acknowledge: z.object({ version }),
  contact: z.object({ version, method: z.enum(['phone', 'sms', 'in_person', 'email']), note: text(2000).optional() }),
  note: z.object({ version, text: text(4000) }),
  reply: z.object({ version, text: text(4000) }),
  extend: z.object({ version, reason: text(1000), newDueAt: z.iso.datetime({ offset: true }) }),
  'decide-extension': z.object({ version, approve: z.boolean(), note: text(1000).optional() }),
  close: z.object({ version, note: text(1000).optional() }),
  reopen: z.object({ version, reason: text(1000) }),
  return: z.object({ version, reason: text(1000) }),
  merge: z.object({ version, into: storable().max(32) }),
  priority: z.object({ version, priority: z.enum(PRIORITIES), owner: text(50).optional() }),
  recategorize: z.object({ version, category: storable().max(64), kind: z.enum(CASE_KINDS).optional() }),
  relocate: z.object({
    version,
    station: storable().max(16).meta({ example: 'TJN', description: 'Station code from /api/meta' }),
    location: storable().max(64).optional().meta({ example: 'front_square', description: 'A place of that station (/api/meta `locations`); left out: no place' }),
  }),
  appeal: z.object({
    version,
    reasons: text(2000).meta({ description: 'Why the rating is unreasonable (申诉理由); sent to the 12345 platform' }),
    evaluationId: z.number().int().positive().optional().meta({ description: 'The 12345 rating appealed (`platformRatings[].id`); default the latest' }),
  }),
  'send-appeal': z.object({
    version,
    appealId: z.number().int().positive().optional().meta({ description: 'The filed appeal to send (`platformRatings[].appeal.id`); default the one filed' }),
  }),
} as const;

export const EnterCaseBody = z
  .object({
    channel: z.enum(STAFF_CHANNELS),
    receivedAt: z.iso.datetime({ offset: true }),
    station: storable().max(16),
    kind: z.enum(CASE_KINDS),
    category: storable().max(64),
    location: storable().max(64).optional(),
    description: text(5000),
    phone: storable().max(32).optional(),
    email: z.email('email.invalid').max(254).optional(),
    name: storable().trim().max(50).optional(),
    priority: z.enum(PRIORITIES).optional(),
    lang: z.enum(LANGS).optional(),
  })
  .meta({ id: 'EnterCase' });

export const EnteredCase = z.object({ id: z.string(), trackingCode: z.string(), status: z.enum(CASE_STATUSES), replyDueAt: Instant }).meta({ id: 'EnteredCase' });

/** Departments for the dispatcher's assignment form: every one, with whether it is still active. */
export const DepartmentList = z.object({ items: z.array(z.object({ code: z.string(), name: z.string(), isPartner: z.boolean(), active: z.boolean() })) }).meta({ id: 'DepartmentList' });

// What a client reads (and sends): the types the schemas infer.
export type StaffIdentity = z.infer<typeof StaffIdentity>;
export type SignInBody = z.infer<typeof SignInBody>;
export type SessionInfo = z.infer<typeof SessionInfo>;
export type QueueQuery = z.infer<typeof QueueQuery>;
export type QueueItem = z.infer<typeof QueueItem>;
export type QueuePage = z.infer<typeof QueuePage>;
export type QueueCounts = z.infer<typeof QueueCounts>;
export type CaseDetail = z.infer<typeof CaseDetail>;
export type CaseIdParams = z.infer<typeof CaseIdParams>;
export type Revealed = z.infer<typeof Revealed>;
export type EnterCaseBody = z.infer<typeof EnterCaseBody>;
export type EnteredCase = z.infer<typeof EnteredCase>;
export type DepartmentList = z.infer<typeof DepartmentList>;
export type StaffSession = SessionInfo;
/** The body a workflow verb takes, as the console sends it. */
export type VerbBody<V extends keyof typeof VerbBodies> = z.input<(typeof VerbBodies)[V]>;
