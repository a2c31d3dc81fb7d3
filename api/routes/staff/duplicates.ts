import { createRoute } from '@hono/zod-openapi';
import { duplicateCandidates } from '../../domain/duplicates/candidates.ts';
import { errorResponses } from '../../http/envelope.ts';
import { toWire } from '../../http/wire.ts';
import type { StaffRouter } from '../routers.ts';
import { CaseIdParams, DuplicateCandidates } from './schemas.ts';

export const candidatesRoute = createRoute({
  method: 'get',
  path: '/api/staff/cases/{id}/candidates',
  tags: ['staff'],
  summary: 'Likely duplicates of a case: open cases at its station within 14 days, ranked by how alike they read (top 5; a handler sees only their department’s)',
  request: { params: CaseIdParams },
  responses: {
    200: { description: 'The candidates, best first', content: { 'application/json': { schema: DuplicateCandidates } } },
    ...errorResponses({ 400: 'Bad input', 401: 'No session', 403: 'Not allowed', 404: 'No such case' }),
  },
});

export function registerDuplicateRoutes(router: StaffRouter) {
  router.openapi(candidatesRoute, async (c) => {
    const found = await duplicateCandidates({ ctx: c.get('ctx'), staff: c.get('staff'), input: { caseId: c.req.valid('param').id } });
    c.header('Cache-Control', 'no-store');
    return c.json(toWire(found), 200);
  });
}
