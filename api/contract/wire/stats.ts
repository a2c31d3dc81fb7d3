import { z } from 'zod';
import { FIGURE_KEYS, GROUP_BYS } from '../enums.ts';
import { LANGS } from '../lang.ts';
import { text } from '../text.ts';

/** The wire shapes of GET /api/stats (public contract) and the staff department table. */
const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'stats.date_invalid')
  .meta({ example: '2026-01-01', description: 'YYYY-MM-DD, Asia/Shanghai; both ends included' });

export const StatsQuery = z.object({
  from: Day.optional(),
  to: Day.optional(),
  period: text().max(10).optional().meta({ example: '2026-Q1', description: 'Instead of from/to: YYYY, YYYY-Qn or YYYY-MM. Neither: the 12 months up to today, from the 1st.' }),
  station: text().max(16).optional().meta({ example: 'TJ', description: 'Station code from /api/meta; all stations when omitted' }),
  groupBy: z.enum(GROUP_BYS).optional(),
  lang: z.enum(LANGS).optional(),
});

const Named = z.object({ code: z.string(), name: z.string() });
const Definitions = z.array(z.object({ key: z.enum(FIGURE_KEYS), name: z.string(), text: z.string() })).meta({ description: 'What each figure counts, in the caller’s language' });
const Rate = z.number().nullable().meta({ description: 'Percent (0–100, two decimals); null when nothing to divide by' });
const Time = z
  .object({
    count: z.number().int().meta({ description: 'Cases the time was measured on' }),
    median: z.number().int().nullable().meta({ description: 'Seconds (upper edge of the histogram bucket)' }),
    p90: z.number().int().nullable(),
  })
  .meta({ id: 'StatsTime' });

const Count = (description: string) => z.number().int().meta({ description });

/**
 * The counts behind the rates (definitions.ts says each in words). A clock that is
 * running — not yet met and its deadline still ahead — is in neither the met nor the
 * missed count, only in its *Running count.
 */
export const Figures = z
  .object({
    received: Count('Cases received in the period, merged duplicates excluded'),
    returned: Count('Of these, returned as outside the remit'),
    closed: Count('Of these, closed'),
    due: Count('First reply deadlines falling in the period that were met or have passed (应办结)'),
    dueOnTime: Count('Of these, answered (replied) by the deadline'),
    dueLate: Count('Of these, answered late or still unanswered past the deadline'),
    dueRunning: Count('First reply deadlines in the period still running: not answered, not yet passed'),
    redoDue: Count('Redo (重办) reply deadlines falling in the period that were met or have passed'),
    redoOnTime: Count('Of these, answered by the redo deadline'),
    redoLate: Count('Of these, late'),
    redoRunning: Count('Redo deadlines in the period still running'),
    ackDue: Count('Cases received in the period whose acknowledge clock was met or has passed'),
    ackOnTime: Count('Of these, acknowledged by the acknowledge deadline'),
    ackRunning: Count('Acknowledge clocks still running'),
    contactDue: Count('Cases received in the period whose first 24 hours were met or have passed'),
    contactWithin24h: Count('Of these, contacted within 24 hours of receipt'),
    contactRunning: Count('Received less than 24 hours ago and not yet contacted'),
    evaluated: Count('Cases received in the period with a rating (ratings excluded on appeal, 核减, left out)'),
    resolutionKnown: Count('Of these, with a known answer on resolution (an SMS rating leaves it unknown)'),
    resolved: Count('Of these, evaluated as resolved'),
    satisfied: Count('Evaluated very satisfied, satisfied or basically satisfied'),
    rates: z.object({
      closure: Rate,
      onTime: Rate.meta({ description: '按期办结率: dueOnTime ÷ due, percent' }),
      redoOnTime: Rate.meta({ description: '重办按期率: redoOnTime ÷ redoDue, percent' }),
      response: Rate.meta({ description: '响应率: ackOnTime ÷ ackDue, percent' }),
      firstContact: Rate.meta({ description: 'First contact within 24 h: contactWithin24h ÷ contactDue, percent' }),
      resolution: Rate.meta({ description: '解决率: resolved ÷ resolutionKnown, percent' }),
      satisfaction: Rate.meta({ description: '满意率: satisfied ÷ evaluated, percent' }),
    }),
    times: z.object({ ack: Time, contact: Time, reply: Time, close: Time }),
  })
  .meta({ id: 'StatsFigures' });

export const StatsGroup = Figures.extend({
  key: z.string(),
  name: z.string(),
  fewEvaluations: z.boolean().meta({ description: 'Fewer evaluations than minEvaluationsToRank: not ranked' }),
  rank: z.number().int().nullable(),
}).meta({ id: 'StatsGroup' });

export const TopProblems = z
  .object({
    month: z.string().meta({ example: '2026-03' }),
    from: z.string(),
    to: z.string(),
    previousFrom: z.string(),
    previousTo: z.string(),
    items: z.array(z.object({ category: Named, location: Named, count: z.number().int(), previousCount: z.number().int(), change: z.number().int() })),
  })
  .meta({ id: 'TopProblems' });

export const TrendMonth = z
  .object({
    month: z.string().meta({ example: '2026-03' }),
    received: Count('Received in the month'),
    due: Count('First reply deadlines in the month met or passed (应办结)'),
    dueOnTime: Count('Of these, answered by the deadline'),
    dueLate: Count('Of these, answered late or still unanswered past it'),
    dueRunning: Count('Deadlines in the month still running: counted nowhere yet'),
  })
  .meta({ id: 'StatsTrendMonth' });

export const ReplyTiming = z
  .object({
    early: Count('Replied more than two days before the deadline'),
    lastTwoDays: Count('Replied within the last two days before the deadline'),
    lateWithinDay: Count('Replied late by at most one day'),
    lateMore: Count('Replied late by more than one day'),
    unansweredOverdue: Count('Not replied, deadline passed'),
    running: Count('Not replied, deadline still ahead: neither on time nor late'),
    reopenedOnTime: Count('Reopened cases whose first round was answered on time (its reply time is not kept)'),
    reopenedLate: Count('Reopened cases whose first round was late'),
    complete: z.boolean().meta({ description: 'False while the figures behind this breakdown are still being rebuilt' }),
  })
  .meta({ id: 'StatsReplyTiming', description: 'First replies against their deadlines, for the first reply deadlines falling in the period' });

export const Stats = z
  .object({
    from: z.string(),
    to: z.string(),
    station: Named.nullable(),
    groupBy: z.enum(GROUP_BYS).nullable(),
    generatedAt: z.string(),
    pendingCases: z.number().int().meta({ description: 'Cases written but not yet folded into these figures: when above 0, the figures are being updated' }),
    figuresUpdatedAt: z.string().nullable().meta({ description: 'When the stats job last brought the figures up to date (Asia/Shanghai); null when not recorded' }),
    openCases: Count('Cases open now (not closed, merged or returned), at the station if one is given'),
    trend: z.array(TrendMonth).meta({ description: 'The twelve months up to the one the period ends in, oldest first' }),
    replyTiming: ReplyTiming,
    totals: Figures,
    groups: z.array(StatsGroup),
    rankedBy: z.enum(['satisfaction']).nullable(),
    minEvaluationsToRank: z.number().int(),
    topProblems: TopProblems,
    definitions: Definitions,
  })
  .meta({ id: 'Stats' });

/** The supervisors' table: the period's figures by lead department, with what is open and overdue now. */
export const DepartmentTable = z
  .object({
    from: z.string(),
    to: z.string(),
    station: z.object({ code: z.string(), name: z.string() }).nullable(),
    asOf: z.string(),
    pendingCases: z.number().int().meta({ description: 'Cases written but not yet folded into the period figures' }),
    departments: z.array(
      Figures.extend({
        department: z.object({ code: z.string(), name: z.string(), isPartner: z.boolean() }),
        fewEvaluations: z.boolean(),
        open: z.number().int().meta({ description: 'Open now, led by this department' }),
        overdue: z.number().int().meta({ description: 'Open now with a clock past its deadline' }),
      }),
    ),
    minEvaluationsToRank: z.number().int().meta({ description: 'A rate resting on fewer cases or ratings than this is a small sample (flagged); satisfaction is not given below it' }),
    definitions: Definitions,
  })
  .meta({ id: 'DepartmentTable' });

// What a client reads (and sends): the types the schemas infer.
export type StatsQuery = z.infer<typeof StatsQuery>;
export type Figures = z.infer<typeof Figures>;
export type StatsGroup = z.infer<typeof StatsGroup>;
export type TopProblems = z.infer<typeof TopProblems>;
export type Stats = z.infer<typeof Stats>;
export type TrendMonth = z.infer<typeof TrendMonth>;
export type ReplyTiming = z.infer<typeof ReplyTiming>;
export type DepartmentTable = z.infer<typeof DepartmentTable>;

/**
 * What each rate is a share of. A rate resting on fewer than minEvaluationsToRank of them (but
 * some) is a small sample, flagged wherever it is shown: /stats, the dashboard, the CSV.
 */
export function rateBases(f: Figures): Record<keyof Figures['rates'], number> {
  return {
    closure: f.received - f.returned,
    onTime: f.due,
    redoOnTime: f.redoDue,
    response: f.ackDue,
    firstContact: f.contactDue,
    resolution: f.resolutionKnown,
    satisfaction: f.evaluated,
  };
}
