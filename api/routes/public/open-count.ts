import { createRoute } from '@hono/zod-openapi';
import { countOpenCases } from '../../domain/duplicates/open-cases.ts';
import { errorResponses } from '../../http/envelope.ts';
import type { RouteGuards } from '../guards.ts';
import type { PublicRouter } from '../routers.ts';
import { OpenCount, OpenCountQuery } from './schemas.ts';

export const openCountRoute = createRoute({
  method: 'get',
  path: '/api/public/open-count',
  tags: ['public'],
  summary: 'Open cases of a category at a place, by status (counts only)',
  description:
    'For the form’s “I have the same problem”: how many open cases of this kind at this place the office is already handling. No case, code or words. Rate-limited like the status lookup.',
  request: { query: OpenCountQuery },
  responses: { 200: { description: 'The counts', content: { 'application/json': { schema: OpenCount } } }, ...errorResponses({ 400: 'Error', 429: 'Error' }) },
});

export function registerOpenCountRoute(router: PublicRouter, guards: RouteGuards) {
  router.openapi({ ...openCountRoute, middleware: [guards.lookupRateLimit] }, async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await countOpenCases({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200);
  });
}
