import { createRoute } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../context.ts';
import { getCaseDetail } from '../../domain/cases/detail.ts';
import { enterCase } from '../../domain/cases/enter.ts';
import { listQueue, queueCounts } from '../../domain/cases/queue.ts';
import { revealContact } from '../../domain/cases/reveal.ts';
import { listDepartmentsForStaff } from '../../domain/meta.ts';
import { PHOTO_FORM_BODY_LIMIT } from '../../domain/photos/limits.ts';
import { DomainError } from '../../errors.ts';
import { limitBody } from '../../http/body-limit.ts';
import { errorResponses } from '../../http/envelope.ts';
import { toWire } from '../../http/wire.ts';
import type { StaffRouter } from '../routers.ts';
import { CaseDetail, CaseIdParams, DepartmentList, EnterCaseBody, EnterCaseForm, EnteredCase, QueueCounts, QueuePage, QueueQuery, Revealed } from './schemas.ts';

const errors = errorResponses({ 400: 'Bad input', 401: 'No session', 403: 'Not allowed', 404: 'No such case' });

export const queueRoute = createRoute({
  method: 'get',
  path: '/api/staff/cases',
  tags: ['staff'],
  summary: 'The queue: filters, red first then nearest deadline, cursor pagination',
  request: { query: QueueQuery },
  responses: { 200: { description: 'A page', content: { 'application/json': { schema: QueuePage } } }, ...errors },
});

export const countsRoute = createRoute({
  method: 'get',
  path: '/api/staff/dashboard',
  tags: ['staff'],
  summary: 'Counts per queue (within what the caller may see)',
  responses: { 200: { description: 'Counts', content: { 'application/json': { schema: QueueCounts } } }, ...errors },
});

export const caseRoute = createRoute({
  method: 'get',
  path: '/api/staff/cases/{id}',
  tags: ['staff'],
  summary: 'A case with its whole timeline (contact masked)',
  request: { params: CaseIdParams },
  responses: { 200: { description: 'The case', content: { 'application/json': { schema: CaseDetail } } }, ...errors },
});

export const enterRoute = createRoute({
  method: 'post',
  path: '/api/staff/cases',
  tags: ['staff'],
  summary: 'Enter a case from the office’s own channels (phone line, walk-in, complaint box, petition)',
  description: 'JSON, or multipart with up to 3 `photos` (JPEG, PNG, WebP or HEIC, 10 MB each; stored with the case or not at all).',
  // Not `required`: the JSON validator would then run on a multipart body too. A body of neither kind is refused below.
  request: {
    body: {
      content: {
        'application/json': { schema: EnterCaseBody },
        'multipart/form-data': { schema: EnterCaseForm },
      },
    },
  },
  responses: { 201: { description: 'Entered', content: { 'application/json': { schema: EnteredCase } } }, ...errors },
});

/** A multipart entry may carry photos: three of 10 MB and the fields; JSON or a form, nothing else. */
const enterBody: MiddlewareHandler<AppEnv>[] = [
  limitBody(PHOTO_FORM_BODY_LIMIT),
  async (c, next) => {
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    if (!type.startsWith('application/json') && !type.startsWith('multipart/form-data')) throw new DomainError('invalid_input', 'unsupported_content_type');
    await next();
  },
];

export const revealRoute = createRoute({
  method: 'post',
  path: '/api/staff/cases/{id}/reveal',
  tags: ['staff'],
  summary: 'Reveal the reporter’s contact (recorded in the timeline)',
  request: { params: CaseIdParams },
  responses: { 200: { description: 'The contact', content: { 'application/json': { schema: Revealed } } }, ...errors },
});

export const departmentsRoute = createRoute({
  method: 'get',
  path: '/api/staff/departments',
  tags: ['staff'],
  summary: 'The departments a case can be assigned to (any member of staff)',
  responses: {
    200: {
      description: 'Departments',
      content: {
        'application/json': {
          schema: DepartmentList,
        },
      },
    },
    ...errors,
  },
});

export function registerStaffCaseRoutes(router: StaffRouter) {
  router.openapi(departmentsRoute, async (c) => c.json({ items: await listDepartmentsForStaff({ ctx: c.get('ctx') }) }, 200));
  router.openapi(queueRoute, async (c) => {
    const page = await listQueue({ ctx: c.get('ctx'), staff: c.get('staff'), input: c.req.valid('query') });
    return c.json(toWire(page), 200);
  });

  router.openapi(countsRoute, async (c) => {
    return c.json(await queueCounts({ ctx: c.get('ctx'), staff: c.get('staff') }), 200);
  });

  router.openapi(caseRoute, async (c) => {
    const detail = await getCaseDetail({ ctx: c.get('ctx'), staff: c.get('staff'), input: { caseId: c.req.valid('param').id } });
    c.header('Cache-Control', 'no-store');
    return c.json(toWire(detail), 200);
  });

  router.openapi({ ...enterRoute, middleware: enterBody }, async (c) => {
    const isForm = (c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data');
    const { photos: parts, ...body }: EnterCaseForm = isForm ? c.req.valid('form') : c.req.valid('json');
    const photos = await Promise.all((parts ?? []).map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    const created = await enterCase({
      ctx: c.get('ctx'),
      staff: c.get('staff'),
      input: { ...body, lang: body.lang ?? 'zh-CN', receivedAt: new Date(body.receivedAt) },
      photos,
    });
    return c.json({ id: created.id, trackingCode: created.trackingCode, status: created.status, replyDueAt: toWire(created.replyDueAt) }, 201);
  });

  router.openapi(revealRoute, async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await revealContact({ ctx: c.get('ctx'), staff: c.get('staff'), input: { caseId: c.req.valid('param').id } }), 200);
  });
}
