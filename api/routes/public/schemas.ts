import { z } from '@hono/zod-openapi';
import { CASE_KINDS, CASE_STATUSES, PRIORITIES } from '../../../db/schema.ts';
import { text } from '../../http/wire.ts';
import { LANGS } from '../../i18n.ts';

/** Blank form fields mean "not given". */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const DESCRIPTION_MAX = 2000;

export const CreateCaseBody = z
  .object({
    station: text().trim().min(1).max(16).openapi({ example: 'TJ', description: 'Station code from /api/meta' }),
    kind: z.enum(CASE_KINDS).openapi({ example: 'complaint' }),
    category: text().trim().min(1).max(64).openapi({ example: 'illegal_taxi' }),
    location: z.preprocess(blankToUndefined, text().trim().max(64).optional()).openapi({ example: 'front_square' }),
    description: text()
      .trim()
      .min(1, 'description.blank')
      .max(DESCRIPTION_MAX)
      .openapi({ example: '前广场出站口有人拉客，要价很高' }),
    phone: text().trim().min(1).max(32).openapi({ example: '13812345678', description: 'Mainland mobiles may omit +86' }),
    email: z.preprocess(blankToUndefined, z.email('email.invalid').max(254).optional()),
    name: z.preprocess(blankToUndefined, text().trim().max(50).optional()),
    lang: z.preprocess(blankToUndefined, z.enum(LANGS).optional()),
  })
  .openapi('CreateCase');

export const CreatedCase = z
  .object({
    trackingCode: z.string().openapi({ example: 'K7M2QX9PRT' }),
    status: z.enum(CASE_STATUSES),
    replyDueAt: z.string().openapi({ example: '2026-03-06T00:00:00+08:00' }),
  })
  .openapi('CreatedCase');

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
      }),
    ),
    canEvaluate: z.boolean().openapi({ description: 'The current reply may be rated' }),
  })
  .openapi('PublicCase');

export const EvaluationBody = z
  .object({
    phone4: z.string().regex(/^\d{4}$/, 'phone4.invalid'),
    satisfaction: z.enum(['satisfied', 'basic', 'dissatisfied']),
    resolved: z.boolean(),
    comment: z.preprocess(blankToUndefined, text().trim().max(500).optional()),
  })
  .openapi('Evaluation');

export const EvaluationRecorded = z
  .object({ trackingCode: z.string(), satisfaction: z.string(), resolved: z.boolean(), evaluatedAt: z.string() })
  .openapi('EvaluationRecorded');

export const LookupParams = z.object({
  trackingCode: text()
    .min(1)
    .max(32)
    .openapi({ param: { name: 'trackingCode', in: 'path' }, example: 'K7M2QX9PRT' }),
});

export const LookupQuery = z.object({
  phone4: z
    .string()
    .regex(/^\d{4}$/, 'phone4.invalid')
    .openapi({ param: { name: 'phone4', in: 'query' }, example: '5678' }),
  lang: z.enum(LANGS).optional().openapi({ param: { name: 'lang', in: 'query' } }),
});

export const LangQuery = z.object({
  lang: z.enum(LANGS).optional().openapi({ param: { name: 'lang', in: 'query' } }),
});

export const Meta = z
  .object({
    stations: z.array(Named),
    kinds: z.array(Named),
    categories: z.array(Named.extend({ defaultPriority: z.enum(PRIORITIES) })),
    locations: z.array(Named.extend({ station: z.string() })),
  })
  .openapi('Meta');

export const Health = z
  .object({ status: z.enum(['ok', 'unavailable']), db: z.enum(['ok', 'unreachable']) })
  .openapi('Health');
