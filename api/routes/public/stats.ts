import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { figuresCsv } from '../../domain/stats/csv.ts';
import { getStats } from '../../domain/stats/stats.ts';
import { ErrorEnvelope } from '../../http/envelope.ts';
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
    400: { description: 'Bad dates, period, station or groupBy', content: { 'application/json': { schema: ErrorEnvelope } } },
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
    400: { description: 'Bad input', content: { 'application/json': { schema: ErrorEnvelope } } },
  },
});

export function registerStatsRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(statsRoute, async (c) => {
    const stats = await getStats({ ctx: c.get('ctx'), input: c.req.valid('query') });
    c.header('Cache-Control', CACHE);
    return c.json(stats, 200);
  });

  app.openapi(statsCsvRoute, async (c) => {
    const stats = await getStats({ ctx: c.get('ctx'), input: c.req.valid('query') });
    const name = `stats-${stats.from}-${stats.to}${stats.station ? `-${stats.station.code}` : ''}${stats.groupBy ? `-by-${stats.groupBy}` : ''}.csv`;
    return c.body(figuresCsv(stats, c.get('lang')), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': CACHE,
    });
  });
}
