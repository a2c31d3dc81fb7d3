import { createRoute, z } from '@hono/zod-openapi';
import { OUTBOX_CHANNELS, OUTBOX_STATUSES } from '../../contract/enums.ts';
import { OutboxItem } from '../../contract/wire/outbox.ts';
import { listOutbox, retryOutbox } from '../../domain/outbox/admin.ts';
import { errorResponses } from '../../http/envelope.ts';
import { toWire } from '../../http/wire.ts';
import type { StaffRouter } from '../routers.ts';

export const outboxRoute = createRoute({
  method: 'get',
  path: '/api/staff/outbox',
  tags: ['staff: admin'],
  summary: 'What the office sent (or recorded locally), newest first — admins and supervisors',
  request: {
    query: z.object({
      status: z.enum(OUTBOX_STATUSES).optional(),
      channel: z.enum(OUTBOX_CHANNELS).optional(),
      before: z.coerce.number().int().min(1).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: { 200: { description: 'Messages', content: { 'application/json': { schema: z.array(OutboxItem) } } }, ...errorResponses({ 401: 'No session', 403: 'Not allowed' }) },
});

export const retryRoute = createRoute({
  method: 'post',
  path: '/api/staff/outbox/{id}/retry',
  tags: ['staff: admin'],
  summary: 'Send a dead message again — admins',
  request: { params: z.object({ id: z.coerce.number().int().min(1) }) },
  responses: {
    200: { description: 'Queued again', content: { 'application/json': { schema: z.object({ id: z.number().int(), status: z.literal('pending') }) } } },
    ...errorResponses({ 401: 'No session', 403: 'Not an admin', 404: 'No such message', 409: 'Not dead or failed' }),
  },
});

export function registerOutboxRoutes(router: StaffRouter) {
  router.openapi(outboxRoute, async (c) => c.json(toWire(await listOutbox({ ctx: c.get('ctx'), staff: c.get('staff'), input: c.req.valid('query') })), 200));
  router.openapi(retryRoute, async (c) => c.json(await retryOutbox({ ctx: c.get('ctx'), staff: c.get('staff'), input: { id: c.req.valid('param').id } }), 200));
}
