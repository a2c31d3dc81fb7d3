import { createRoute } from '@hono/zod-openapi';
import { databaseReachable } from '../../domain/health.ts';
import { getMeta } from '../../domain/meta.ts';
import type { PublicRouter } from '../routers.ts';
import { Health, LangQuery, Meta } from './schemas.ts';

export const healthRoute = createRoute({
  method: 'get',
  path: '/api/health',
  tags: ['public'],
  summary: 'Service and database health',
  responses: {
    200: { description: 'Healthy', content: { 'application/json': { schema: Health } } },
    503: { description: 'The database is unreachable', content: { 'application/json': { schema: Health } } },
  },
});

export const metaRoute = createRoute({
  method: 'get',
  path: '/api/meta',
  tags: ['public'],
  summary: 'Stations, kinds, categories and locations for forms and clients, and what a dissatisfied rating does',
  request: { query: LangQuery },
  responses: { 200: { description: 'Reference data', content: { 'application/json': { schema: Meta } } } },
});

export function registerMetaRoutes(router: PublicRouter) {
  router.openapi(healthRoute, async (c) => {
    c.header('Cache-Control', 'no-store');
    if (await databaseReachable({ ctx: c.get('ctx') })) return c.json({ status: 'ok' as const, db: 'ok' as const }, 200);
    return c.json({ status: 'unavailable' as const, db: 'unreachable' as const }, 503);
  });

  router.openapi(metaRoute, async (c) => {
    // Short: admins expect a new category or location on the form within moments.
    c.header('Cache-Control', 'public, max-age=15');
    return c.json(await getMeta({ ctx: c.get('ctx') }), 200);
  });
}
