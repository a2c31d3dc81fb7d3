import { createRoute } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../context.ts';
import { evaluateCase } from '../../domain/cases/evaluate.ts';
import { lookupCase } from '../../domain/cases/lookup.ts';
import { toShanghaiIso } from '../../domain/deadlines/shanghai-time.ts';
import { fileAsSupporter } from '../../domain/duplicates/join.ts';
import { createCaseWithPhotos } from '../../domain/photos/attach.ts';
import { PHOTO_FORM_BODY_LIMIT } from '../../domain/photos/limits.ts';
import { DomainError } from '../../errors.ts';
import { limitBody } from '../../http/body-limit.ts';
import { errorResponses } from '../../http/envelope.ts';
import type { RouteGuards } from '../guards.ts';
import type { PublicRouter } from '../routers.ts';
import { CreateCaseBody, CreateCaseForm, CreatedCase, EvaluationBody, EvaluationRecorded, LookupParams, LookupQuery, PublicCase } from './schemas.ts';

/** The largest intake body accepted; a full description in Chinese is ~6 kB. */
export const INTAKE_BODY_LIMIT = 32 * 1024;

/** JSON or a form, non-empty, within the size limit; anything else is refused before parsing. */
const fieldsOnly = limitBody(INTAKE_BODY_LIMIT);
/** A multipart form may carry photos (api/domain/photos/limits.ts): three of 10 MB and the fields. */
const withPhotos = limitBody(PHOTO_FORM_BODY_LIMIT);
const intakeBody: MiddlewareHandler<AppEnv>[] = [
  (c, next) => ((c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data') ? withPhotos(c, next) : fieldsOnly(c, next)),
  async (c, next) => {
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    const known = type.startsWith('application/json') || type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
    if (!known) throw new DomainError('invalid_input', 'unsupported_content_type');
    if (c.req.header('content-length') === '0') throw new DomainError('invalid_input', 'empty_body');
    await next();
  },
];

export const createCaseRoute = createRoute({
  method: 'post',
  path: '/api/cases',
  tags: ['public'],
  summary: 'File a case',
  description: 'JSON answers 201 with the tracking code. The site’s no-JavaScript form posts the same fields form-encoded and is redirected (303) to its receipt page.',
  request: {
    body: {
      content: {
        'application/json': { schema: CreateCaseBody },
        'application/x-www-form-urlencoded': { schema: CreateCaseBody },
        'multipart/form-data': { schema: CreateCaseForm },
      },
    },
  },
  responses: {
    201: { description: 'Filed', content: { 'application/json': { schema: CreatedCase } } },
    303: { description: 'Filed from the site form; see Location' },
    ...errorResponses({ 400: 'Error', 413: 'Error', 429: 'Error' }),
  },
});

export const lookupCaseRoute = createRoute({
  method: 'get',
  path: '/api/cases/{trackingCode}',
  tags: ['public'],
  summary: 'Check a case',
  description:
    'Needs the last four digits of the reporter’s phone. An unknown code and wrong digits answer the same 404. A report merged with an earlier one about the same problem answers, under its own code and digits, with the main case’s status, deadline, reply and timeline (`merged` says so).',
  request: { params: LookupParams, query: LookupQuery },
  responses: {
    200: { description: 'The public view', content: { 'application/json': { schema: PublicCase } } },
    ...errorResponses({ 400: 'Error', 404: 'Error', 429: 'Error' }),
  },
});

export const evaluationRoute = createRoute({
  method: 'post',
  path: '/api/cases/{trackingCode}/evaluation',
  tags: ['public'],
  summary: 'Rate the reply',
  description:
    'Once per reply, with the last four digits of the reporter’s phone (a merged report rates its main case’s reply, recorded on its own case and kept out of the published figures). 409 before a reply or when already rated. `next` says what a dissatisfied rating leads to.',
  request: {
    params: LookupParams,
    body: { required: true, content: { 'application/json': { schema: EvaluationBody } } },
  },
  responses: {
    201: { description: 'Recorded', content: { 'application/json': { schema: EvaluationRecorded } } },
    ...errorResponses({ 400: 'Error', 404: 'Error', 409: 'Not replied yet, or already rated', 429: 'Error' }),
  },
});

export function registerCaseRoutes(router: PublicRouter, guards: RouteGuards) {
  router.openapi({ ...createCaseRoute, middleware: [guards.intakeRateLimit, ...intakeBody] }, async (c) => {
    const isForm = !(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json');
    const { photos: parts, ...body }: CreateCaseForm = isForm ? c.req.valid('form') : c.req.valid('json');
    const lang = body.lang ?? c.get('lang');
    const photos = await Promise.all((parts ?? []).map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    const { join, ...fields } = body;
    const filing = { ctx: { ...c.get('ctx'), lang }, input: { ...fields, lang, channel: 'web' as const, actor: { type: 'citizen' as const } }, photos, source: 'web' as const };
    // "I have the same problem": filed as a supporter of the open case at that place (duplicates/join.ts).
    const created = join ? await fileAsSupporter(filing) : { ...(await createCaseWithPhotos(filing)), joined: undefined };
    // A browser's own form post goes on to its receipt; a client that asks for JSON (the site's server, with photos) gets the 201.
    if (isForm && !(c.req.header('accept') ?? '').startsWith('application/json')) {
      const prefix = lang === 'en' ? '/en' : '';
      return c.redirect(`${prefix}/report/done?code=${created.trackingCode}`, 303);
    }
    return c.json(
      {
        trackingCode: created.trackingCode,
        status: created.joined ? ('merged' as const) : created.status,
        replyDueAt: toShanghaiIso(created.replyDueAt),
        ...(created.joined === undefined ? {} : { joined: created.joined }),
      },
      201,
    );
  });

  router.openapi({ ...lookupCaseRoute, middleware: [guards.lookupRateLimit] }, async (c) => {
    const { trackingCode } = c.req.valid('param');
    const { phone4 } = c.req.valid('query');
    const found = await lookupCase({ ctx: c.get('ctx'), input: { trackingCode, phone4 } });
    return c.json(
      {
        ...found,
        createdAt: toShanghaiIso(found.createdAt),
        replyDueAt: toShanghaiIso(found.replyDueAt),
        closedAt: found.closedAt ? toShanghaiIso(found.closedAt) : null,
        reply: found.reply ? { text: found.reply.text, at: toShanghaiIso(found.reply.at) } : null,
        timeline: found.timeline.map((e) => ({ ...e, at: toShanghaiIso(e.at) })),
        ...(found.merged ? { merged: { at: toShanghaiIso(found.merged.at) } } : {}),
      },
      200,
    );
  });

  router.openapi({ ...evaluationRoute, middleware: [guards.lookupRateLimit] }, async (c) => {
    const { trackingCode } = c.req.valid('param');
    const body = c.req.valid('json');
    const result = await evaluateCase({
      ctx: c.get('ctx'),
      input: { trackingCode, phone4: body.phone4, satisfaction: body.satisfaction, resolved: body.resolved ? 'yes' : 'no', comment: body.comment },
    });
    const next =
      result.next &&
      (result.next.action === 'flag'
        ? { action: 'flag' as const, reviewDueAt: toShanghaiIso(result.next.reviewDueAt) }
        : { action: 'reopen' as const, replyDueAt: toShanghaiIso(result.next.replyDueAt) });
    return c.json(
      { trackingCode: trackingCode.toUpperCase().replace(/[\s-]/g, ''), satisfaction: result.satisfaction, resolved: body.resolved, evaluatedAt: toShanghaiIso(result.evaluatedAt), next },
      201,
    );
  });
}
