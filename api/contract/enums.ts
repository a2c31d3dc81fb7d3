/**
 * The closed sets of codes the office works with. The database builds its
 * enums from these (db/schema.ts), the route schemas validate against them, and
 * the site names them with `labels.ts`: one list per fact, so adding a value is
 * one edit here plus a migration, and every table that names values fails to
 * compile until it names the new one.
 */

/** 咨询 inquiry, 求助 help request, 投诉 complaint, 举报 report, 建议 suggestion. */
export const CASE_KINDS = ['consult', 'help', 'complaint', 'report', 'suggestion'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

/** The three-colour hazard scheme (红黄蓝), below it the ordinary case. */
export const PRIORITIES = ['normal', 'blue', 'yellow', 'red'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CHANNELS = ['web', 'sms', '12345', 'phone', 'walk_in', 'box', 'petition', 'open311'] as const;
export type Channel = (typeof CHANNELS)[number];

/** The channels staff type in by hand (calls, walk-ins, the box, petitions 信访). */
export const STAFF_CHANNELS = ['phone', 'walk_in', 'box', 'petition'] as const;
export type StaffChannel = (typeof STAFF_CHANNELS)[number];

export const CASE_STATUSES = ['new', 'assigned', 'in_progress', 'replied', 'closed', 'merged', 'returned'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const STAFF_ROLES = ['dispatcher', 'handler', 'supervisor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const OUTBOX_CHANNELS = ['sms', 'email', 'callback_12345'] as const;
export type OutboxChannel = (typeof OUTBOX_CHANNELS)[number];

/** What a dissatisfied rating does (DISSATISFIED_ACTION): flag the case for the office to review, or reopen it (重办). */
export const DISSATISFIED_ACTIONS = ['flag', 'reopen'] as const;
export type DissatisfiedAction = (typeof DISSATISFIED_ACTIONS)[number];

/** suppressed: never sent because the recipient opted out (STOP). */
export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed', 'dead', 'suppressed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export const DURATION_UNITS = ['hours', 'working_days', 'calendar_days', 'same_day'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

/** makeup_workday: a weekend day worked to make up for a holiday (调休). */
export const DAY_KINDS = ['workday', 'weekend', 'holiday', 'makeup_workday'] as const;
export type DayKind = (typeof DAY_KINDS)[number];

export const ACTOR_TYPES = ['citizen', 'staff', 'system', 'feed'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** An extension request (延期), as decided. */
export const EXTENSION_STATUSES = ['pending', 'approved', 'refused'] as const;
export type ExtensionStatus = (typeof EXTENSION_STATUSES)[number];

export const SATISFACTIONS = ['very_satisfied', 'satisfied', 'basic', 'dissatisfied'] as const;
export type Satisfaction = (typeof SATISFACTIONS)[number];

/** What a citizen may answer on the site; very_satisfied comes only from the 12345 follow-up. */
export const CITIZEN_SATISFACTIONS = ['satisfied', 'basic', 'dissatisfied'] as const satisfies readonly Satisfaction[];
export type CitizenSatisfaction = (typeof CITIZEN_SATISFACTIONS)[number];

export const RESOLUTIONS = ['yes', 'partial', 'no'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/**
 * An appeal of an unreasonable 12345 rating (申诉/核减): filed by a handler,
 * sent to the platform by a supervisor, decided by the platform.
 */
export const APPEAL_STATUSES = ['filed', 'sent', 'accepted', 'refused'] as const;
export type AppealStatus = (typeof APPEAL_STATUSES)[number];

/** The figures the statistics page defines beside its numbers (DESIGN "Satisfaction and the published rates"). */
export const FIGURE_KEYS = [
  'received',
  'closureRate',
  'onTimeRate',
  'redoOnTimeRate',
  'responseRate',
  'firstContactRate',
  'resolutionRate',
  'satisfactionRate',
  'times',
  'cohort',
  'groups',
  'topProblems',
  'resolution',
] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

/** What the published figures may be grouped by. */
export const GROUP_BYS = ['category', 'department', 'channel', 'kind', 'location', 'month', 'station'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];
