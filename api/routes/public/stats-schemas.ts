import { z } from '@hono/zod-openapi';
import { FIGURE_KEYS } from '../../domain/stats/definitions.ts';
import { GROUP_BYS } from '../../domain/stats/figures.ts';
import { text } from '../../http/wire.ts';
import { LANGS } from '../../i18n.ts';

/** The wire shapes of GET /api/stats (public contract) and the staff department table. */
const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'stats.date_invalid')
  .openapi({ example: '2026-01-01', description: 'YYYY-MM-DD, Asia/Shanghai; both ends included' });

export const StatsQuery = z.object({
  from: Day.optional(),
  to: Day.optional(),
  period: text()
    .max(10)
    .optional()
    .openapi({ example: '2026-Q1', description: 'Instead of from/to: YYYY, YYYY-Qn or YYYY-MM. Neither: the 12 months up to today, from the 1st.' }),
  station: text().max(16).optional().openapi({ example: 'TJ', description: 'Station code from /api/meta; all stations when omitted' }),
  groupBy: z.enum(GROUP_BYS).optional(),
  lang: z.enum(LANGS).optional(),
});

const Named = z.object({ code: z.string(), name: z.string() });
const Rate = z.number().nullable().openapi({ description: 'Percent (0–100, two decimals); null when nothing to divide by' });
const Time = z
  .object({
    count: z.number().int().openapi({ description: 'Cases the time was measured on' }),
    median: z.number().int().nullable().openapi({ description: 'Seconds (upper edge of the histogram bucket)' }),
    p90: z.number().int().nullable(),
  })
  .openapi('StatsTime');

export const Figures = z
  .object({
    received: z.number().int(),
    returned: z.number().int(),
    closed: z.number().int(),
    closedOnTime: z.number().int(),
    assigned: z.number().int(),
    acknowledgedOnTime: z.number().int(),
    evaluated: z.number().int(),
    resolved: z.number().int(),
    satisfied: z.number().int(),
    rates: z.object({ closure: Rate, onTimeClosure: Rate, response: Rate, resolution: Rate, satisfaction: Rate }),
    times: z.object({ ack: Time, contact: Time, reply: Time, close: Time }),
  })
  .openapi('StatsFigures');

export const StatsGroup = Figures.extend({
  key: z.string(),
  name: z.string(),
  fewEvaluations: z.boolean().openapi({ description: 'Fewer evaluations than minEvaluationsToRank: not ranked' }),
  rank: z.number().int().nullable(),
}).openapi('StatsGroup');

export const TopProblems = z
  .object({
    month: z.string().openapi({ example: '2026-03' }),
    from: z.string(),
    to: z.string(),
    previousFrom: z.string(),
    previousTo: z.string(),
    items: z.array(z.object({ category: Named, location: Named, count: z.number().int(), previousCount: z.number().int(), change: z.number().int() })),
  })
  .openapi('TopProblems');

export const Stats = z
  .object({
    from: z.string(),
    to: z.string(),
    station: Named.nullable(),
    groupBy: z.enum(GROUP_BYS).nullable(),
    generatedAt: z.string(),
    pendingCases: z.number().int(),
    totals: Figures,
    groups: z.array(StatsGroup),
    rankedBy: z.enum(['satisfaction']).nullable(),
    minEvaluationsToRank: z.number().int(),
    topProblems: TopProblems,
    definitions: z.array(z.object({ key: z.enum(FIGURE_KEYS), name: z.string(), text: z.string() })),
  })
  .openapi('Stats');
