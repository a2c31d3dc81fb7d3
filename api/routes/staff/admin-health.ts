import { createRoute } from '@hono/zod-openapi';
import { AdminHealth } from '../../contract/wire/health.ts';
import { adminHealth } from '../../domain/health.ts';
import { errorResponses } from '../../http/envelope.ts';
import { toWire } from '../../http/wire.ts';
import type { AdminRouter } from '../routers.ts';

/* The admin's health page: what the public /api/health keeps to itself. */

export const adminHealthRoute = createRoute({
  method: 'get',
  path: '/api/staff/admin/health',
  tags: ['staff: admin'],
  summary: 'Service health for admins: database latency, outbox backlog and its oldest message, dead messages, the jobs’ last runs, published calendar years',
  responses: {
    200: { description: 'Health', content: { 'application/json': { schema: AdminHealth } } },
    ...errorResponses({ 401: 'No session', 403: 'Not an admin' }),
  },
});

export function registerAdminHealthRoutes(router: AdminRouter) {
  router.openapi(adminHealthRoute, async (c) => c.json(toWire(await adminHealth({ ctx: c.get('ctx'), staff: c.get('staff') })), 200));
}
