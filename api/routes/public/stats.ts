import { createRoute } from '@hono/zod-openapi';
import { figuresCsv } from '../../domain/stats/csv.ts';
import { getStats } from '../../domain/stats/stats.ts';
import { errorResponses } from '../../http/envelope.ts';
import type { PublicRouter } from '../routers.ts';
import { Stats, StatsQuery } from './stats-schemas.ts';

/** Figures change a case at a time; a minute of caching spares the database without hiding much. */
const CACHE = 'public, max-age=60';

export const statsRoute = createRoute({
  method: 'get',
  path: '/api/stats',
  tags: ['public'],
  summary: 'The published figures: rates, times, groups and the month’s top problems',
  description:
    'Received; closure rate; on-time rate (按期办结率: first reply deadlines in the period answered by them) and redo on-time rate (重办按期率); response rate (acknowledged by the acknowledge deadline, every case with the clock) and first contact within 24 h; resolution rate (known answers only) and satisfaction rate; median and 90th-percentile times — for a period (dates in Asia/Shanghai), a station and a grouping. A clock still running (deadline ahead, not yet done) counts as neither met nor missed. The definitions travel with the figures, in the caller’s language.',
  request: { query: StatsQuery },
  responses: {
    200: { description: 'The figures', content: { 'application/json': { schema: Stats } } },
    ...errorResponses({ 400: 'Bad dates, period, station or groupBy' }),
  },
});

export const statsCsvRoute = createRoute({
  method: 'get',
  path: '/api/stats.csv',
  tags: ['public'],
  summary: 'The same figures as CSV (UTF-8 with BOM, for Excel)',
  request: { query: StatsQuery },
  responses: {
    200: { description: 'One row for the total, then one per group; after a blank line, the definitions', content: { 'text/csv': { schema: { type: 'string' } } } },
    ...errorResponses({ 400: 'Bad input' }),
  },
});

export function registerStatsRoutes(router: PublicRouter) {
  router.openapi(statsRoute, async (c) => {
    const stats = await getStats({ ctx: c.get('ctx'), input: c.req.valid('query') });
    c.header('Cache-Control', CACHE);
    return c.json(stats, 200);
  });

  router.openapi(statsCsvRoute, async (c) => {
    const stats = await getStats({ ctx: c.get('ctx'), input: c.req.valid('query') });
    const name = `stats-${stats.from}-${stats.to}${stats.station ? `-${stats.station.code}` : ''}${stats.groupBy ? `-by-${stats.groupBy}` : ''}.csv`;
    return c.body(figuresCsv(stats, c.get('lang')), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': CACHE,
    });
  });
}
