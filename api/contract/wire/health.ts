import { z } from 'zod';

/** What the admin health page reads: GET /api/staff/admin/health. Times are Shanghai ISO strings. */
export const JobRun = z.object({
  job: z.string().meta({ description: 'deadline-sweep, survey-reminders, stats-fold, bulletins, outbox-delivery' }),
  startedAt: z.string().meta({ description: 'The last run began' }),
  finishedAt: z.string().nullable().meta({ description: 'The last run ended (null, or before startedAt: running now)' }),
  ok: z.boolean().nullable().meta({ description: 'How the last finished run went' }),
  error: z.string().nullable().meta({ description: "The last failure's kind and code (never its message)" }),
  lastOkAt: z.string().nullable(),
  runs: z.number().int(),
});

export const AdminHealth = z
  .object({
    checkedAt: z.string(),
    database: z.object({ latencyMs: z.number().meta({ description: 'One round trip of `select 1`' }) }),
    outbox: z.object({
      backlog: z.number().int().meta({ description: 'Messages pending, retrying or being sent' }),
      oldestPendingAt: z.string().nullable(),
      oldestPendingAgeSeconds: z.number().int().nullable(),
      dead: z.number().int().meta({ description: 'Messages given up on (an admin can retry them from the outbox)' }),
    }),
    jobs: z.array(JobRun),
    lastSweepAt: z.string().nullable().meta({ description: 'The deadline sweep last finished well' }),
    lastFoldAt: z.string().nullable().meta({ description: 'The stats fold last finished well' }),
    calendar: z.object({
      publishedYears: z.array(z.number().int()).meta({ description: 'Years with their holidays and make-up workdays imported' }),
      currentYear: z.number().int(),
      throughNextYear: z.boolean().meta({ description: 'This year and next are both published' }),
    }),
  })
  .meta({ id: 'AdminHealth' });
export type AdminHealth = z.infer<typeof AdminHealth>;
