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
    'Received, closure, on-time closure, response, resolution and satisfaction rates, median and 90th-percentile times, for a period (dates in Asia/Shanghai), a station and a grouping. The definitions travel with the figures, in the caller’s language.',
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
    200: { description: 'One row for the total, then one per group', content: { 'text/csv': { schema: { type: 'string' } } } },
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
