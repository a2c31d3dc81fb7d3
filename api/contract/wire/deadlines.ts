import { z } from 'zod';
import { CASE_KINDS, CHANNELS, DAY_KINDS, DURATION_UNITS, PRIORITIES } from '../enums.ts';
import { text } from '../text.ts';

/* The admin screens for the working calendar (节假日/调休) and the deadline policies. */

/** A calendar day, YYYY-MM-DD. */
export const IsoDay = z.iso.date();
export const DayRow = z.object({ day: z.string(), kind: z.enum(DAY_KINDS), isWorkday: z.boolean(), name: z.string().nullable() });
export const DaySet = DayRow.extend({
  recomputed: z.number().int().meta({ description: 'Open cases whose unmet deadlines moved (each with a deadlines_recomputed timeline event)' }),
}).meta({ id: 'CalendarDaySet' });
export const CalendarYear = z.object({ year: z.number().int(), days: z.array(DayRow), holidays: z.number().int(), provisional: z.boolean() }).meta({ id: 'CalendarYear' });
export const CalendarImport = z
  .object({
    year: z.number().int().min(2000).max(2100),
    holidays: z.array(z.object({ date: IsoDay, name: text().max(50).optional() })).max(60),
    workdays: z.array(z.object({ date: IsoDay, name: text().max(50).optional() })).max(30),
  })
  .meta({ id: 'CalendarImport' });
export const CalendarImported = z
  .object({
    year: z.number().int(),
    days: z.number().int(),
    holidays: z.number().int(),
    workdays: z.number().int(),
    recomputed: z.number().int().meta({ description: 'Open cases whose unmet deadlines moved (each with a deadlines_recomputed timeline event)' }),
  })
  .meta({ id: 'CalendarImported' });
const Duration = z.object({ amount: z.number().min(0).max(10_000), unit: z.enum(DURATION_UNITS) }).nullable();
export const PolicyBody = z
  .object({
    name: text().trim().min(1).max(100),
    channel: z.enum(CHANNELS).nullable().optional(),
    kind: z.enum(CASE_KINDS).nullable().optional(),
    category: text().max(64).nullable().optional(),
    priority: z.enum(PRIORITIES).nullable().optional(),
    ack: Duration.optional(),
    contact: Duration.optional(),
    reply: Duration.optional(),
    source: text().max(500).nullable().optional(),
    active: z.boolean().optional(),
  })
  .meta({ id: 'PolicyInput' });
export const Policy = z
  .object({
    id: z.number().int(),
    name: z.string(),
    channel: z.enum(CHANNELS).nullable(),
    kind: z.enum(CASE_KINDS).nullable(),
    categoryId: z.number().int().nullable(),
    category: z.string().nullable().meta({ description: 'The category by its code (as a policy body names it); null: any category' }),
    priority: z.enum(PRIORITIES).nullable(),
    ackAmount: z.number().nullable(),
    ackUnit: z.enum(DURATION_UNITS).nullable(),
    contactAmount: z.number().nullable(),
    contactUnit: z.enum(DURATION_UNITS).nullable(),
    replyAmount: z.number().nullable(),
    replyUnit: z.enum(DURATION_UNITS).nullable(),
    source: z.string().nullable(),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Policy' });

export type CalendarYear = z.infer<typeof CalendarYear>;
export type CalendarImported = z.infer<typeof CalendarImported>;
export type DaySet = z.infer<typeof DaySet>;
export type Policy = z.infer<typeof Policy>;

// What a client reads (and sends): the types the schemas infer.
export type CalendarImport = z.infer<typeof CalendarImport>;
export type PolicyBody = z.infer<typeof PolicyBody>;
