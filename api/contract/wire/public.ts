import { z } from 'zod';
import { CASE_KINDS, CASE_STATUSES, DISSATISFIED_ACTIONS, DURATION_UNITS, PRIORITIES } from '../enums.ts';
import { LANGS } from '../lang.ts';
import { text } from '../text.ts';

/** Blank form fields mean "not given". */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const DESCRIPTION_MAX = 2000;
/** The longest comment a rating may carry. */
export const COMMENT_MAX = 500;

export const CreateCaseBody = z
  .object({
    station: text().trim().min(1).max(16).meta({ example: 'TJ', description: 'Station code from /api/meta' }),
    kind: z.enum(CASE_KINDS).meta({ example: 'complaint' }),
    category: text().trim().min(1).max(64).meta({ example: 'illegal_taxi' }),
    location: z.preprocess(blankToUndefined, text().trim().max(64).optional()).meta({ example: 'front_square' }),
    description: text().trim().min(1, 'description.blank').max(DESCRIPTION_MAX).meta({ example: '前广场出站口有人拉客，要价很高' }),
    phone: text().trim().min(1).max(32).meta({ example: '13812345678', description: 'Mainland mobiles may omit +86' }),
    email: z.preprocess(blankToUndefined, z.email('email.invalid').max(254).optional()),
    name: z.preprocess(blankToUndefined, text().trim().max(50).optional()),
    lang: z.preprocess(blankToUndefined, z.enum(LANGS).optional()),
    join: z.preprocess(blankToUndefined, z.enum(['same']).optional()).meta({
      description:
        '`same`: I have the same problem. The report is filed (own tracking code, receipt, contact) and follows the oldest open case of this station, location and category: it gets that case’s reply and survey. Needs a location. Filed on its own when no such case is open.',
    }),
  })
  .meta({ id: 'CreateCase' });

export const CreatedCase = z
  .object({
    trackingCode: z.string().meta({ example: 'K7M2QX9PRT' }),
    status: z.enum(CASE_STATUSES),
    replyDueAt: z.string().meta({ example: '2026-03-06T00:00:00+08:00' }),
    joined: z.boolean().optional().meta({ description: 'With `join`: true when the report follows an open case (status `merged`), false when none was open and it stands on its own' }),
  })
  .meta({ id: 'CreatedCase' });

const Named = z.object({ code: z.string(), name: z.string() });

export const PublicCase = z
  .object({
    trackingCode: z.string(),
    status: z.enum(CASE_STATUSES),
    kind: z.enum(CASE_KINDS),
    station: Named.nullable(),
    category: Named.nullable(),
    location: Named.nullable(),
    createdAt: z.string(),
    replyDueAt: z.string(),
    replyDueProvisional: z.boolean().meta({ description: 'The reply deadline falls in a year whose public holidays are not published yet: it may move when they are' }),
    closedAt: z.string().nullable(),
    reply: z.object({ text: z.string(), at: z.string() }).nullable(),
    timeline: z.array(
      z.object({
        type: z.string(),
        at: z.string(),
        text: z.string().optional(),
        newDueAt: z.string().optional(),
        mergedInto: z.string().optional(),
        reason: z.string().optional(),
        satisfaction: z.string().optional(),
        resolved: z.string().optional(),
        reviewDueAt: z.string().optional().meta({ description: 'A dissatisfied rating flagged the case: the office reviews it by then' }),
      }),
    ),
    canEvaluate: z.boolean().meta({ description: 'The current reply may be rated' }),
    photos: z
      .array(z.object({ url: z.string(), thumbUrl: z.string() }))
      .meta({ description: 'Photos of the report that staff have made public (faces and number plates checked); the others are never shown' }),
    merged: z.object({ at: z.string() }).optional().meta({
      description:
        'Set when this report was merged with an earlier report of the same problem: status, deadline, closing, reply and timeline are then that main case’s, read with this report’s own code and digits',
    }),
  })
  .meta({ id: 'PublicCase' });

export const EvaluationBody = z
  .object({
    phone4: z.string().regex(/^\d{4}$/, 'phone4.invalid'),
    satisfaction: z.enum(['satisfied', 'basic', 'dissatisfied']),
    resolved: z.boolean(),
    comment: z.preprocess(blankToUndefined, text().trim().max(COMMENT_MAX).optional()),
  })
  .meta({ id: 'Evaluation' });

/** What a dissatisfied rating leads to under DISSATISFIED_ACTION: a review by a date, or a redo with a new reply deadline. */
export const DissatisfiedNext = z
  .discriminatedUnion('action', [
    z.object({ action: z.literal('flag'), reviewDueAt: z.string().meta({ description: 'The office reviews the case by then' }) }),
    z.object({ action: z.literal('reopen'), replyDueAt: z.string().meta({ description: 'The case is handled again; the new reply is due by then' }) }),
  ])
  .meta({ id: 'DissatisfiedNext' });

export const EvaluationRecorded = z
  .object({
    trackingCode: z.string(),
    satisfaction: z.string(),
    resolved: z.boolean(),
    evaluatedAt: z.string(),
    next: DissatisfiedNext.nullable().meta({ description: 'After a dissatisfied rating, what happens next; null otherwise' }),
  })
  .meta({ id: 'EvaluationRecorded' });

export const LookupParams = z.object({
  trackingCode: text()
    .min(1)
    .max(32)
    .meta({ param: { name: 'trackingCode', in: 'path' }, example: 'K7M2QX9PRT' }),
});

export const LookupQuery = z.object({
  phone4: z
    .string()
    .regex(/^\d{4}$/, 'phone4.invalid')
    .meta({ param: { name: 'phone4', in: 'query' }, example: '5678' }),
  lang: z
    .enum(LANGS)
    .optional()
    .meta({ param: { name: 'lang', in: 'query' } }),
});

export const LangQuery = z.object({
  lang: z
    .enum(LANGS)
    .optional()
    .meta({ param: { name: 'lang', in: 'query' } }),
});

export const Meta = z
  .object({
    stations: z.array(Named),
    kinds: z.array(Named),
    categories: z.array(Named.extend({ defaultPriority: z.enum(PRIORITIES) })),
    locations: z.array(Named.extend({ station: z.string() })),
    dissatisfiedAction: z.enum(DISSATISFIED_ACTIONS).meta({
      description: 'What a dissatisfied rating does here: flag (the office reviews the case) or reopen (the case is handled again, 重办, with a new deadline)',
    }),
    replyLimits: z
      .array(
        z.object({
          kind: z.enum(CASE_KINDS),
          name: z.string(),
          amount: z.number().meta({ description: 'How many units' }),
          unit: z.enum(DURATION_UNITS),
        }),
      )
      .meta({
        description: 'The reply deadline of each kind filed on the web without a colour, as the active deadline policies set it (a red or yellow case, or a 12345 order, may run shorter)',
      }),
  })
  .meta({ id: 'Meta' });

export const Health = z.object({ status: z.enum(['ok', 'unavailable']), db: z.enum(['ok', 'unreachable']) }).meta({ id: 'Health' });

// What a client reads (and sends): the types the schemas infer.
export type CreateCaseBody = z.infer<typeof CreateCaseBody>;
export type CreatedCase = z.infer<typeof CreatedCase>;
export type PublicCase = z.infer<typeof PublicCase>;
export type EvaluationBody = z.infer<typeof EvaluationBody>;
export type EvaluationRecorded = z.infer<typeof EvaluationRecorded>;
export type DissatisfiedNext = z.infer<typeof DissatisfiedNext>;
export type LookupParams = z.infer<typeof LookupParams>;
export type LookupQuery = z.infer<typeof LookupQuery>;
export type LangQuery = z.infer<typeof LangQuery>;
export type Meta = z.infer<typeof Meta>;
export type Health = z.infer<typeof Health>;
