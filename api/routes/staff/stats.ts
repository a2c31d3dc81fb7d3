import { createRoute } from '@hono/zod-openapi';
import { CaseExportQuery } from '../../contract/wire/staff.ts';
import { DepartmentTable, StatsQuery } from '../../contract/wire/stats.ts';
import { shanghaiDate } from '../../domain/deadlines/shanghai-time.ts';
import { departmentTable } from '../../domain/stats/departments.ts';
import { exportCases } from '../../domain/stats/export-cases.ts';
import { errorResponses } from '../../http/envelope.ts';
import { describeError } from '../../logger.ts';
import type { StaffRouter } from '../routers.ts';

const errors = errorResponses({ 400: 'Bad input', 401: 'No session', 403: 'Not allowed' });

export { DepartmentTable } from '../../contract/wire/stats.ts';

export const departmentTableRoute = createRoute({
  method: 'get',
  path: '/api/staff/stats/departments',
  tags: ['staff'],
  summary:
    'Per lead department: the published figures for the period (on-time, redo, response, first-contact rates…, running clocks counted as neither), open and overdue cases now, and the definitions',
  request: { query: StatsQuery.omit({ groupBy: true }) },
  responses: { 200: { description: 'The table', content: { 'application/json': { schema: DepartmentTable } } }, ...errors },
});

export const caseExportRoute = createRoute({
  method: 'get',
  path: '/api/staff/export/cases.csv',
  tags: ['staff'],
  summary: 'CSV of cases, filtered as the queue (UTF-8 with BOM), streamed',
  request: { query: CaseExportQuery },
  responses: { 200: { description: 'The cases', content: { 'text/csv': { schema: { type: 'string' } } } }, ...errors },
});

export function registerStaffStatsRoutes(router: StaffRouter) {
  router.openapi(departmentTableRoute, async (c) => {
    return c.json(await departmentTable({ ctx: c.get('ctx'), staff: c.get('staff'), input: c.req.valid('query') }), 200);
  });

  router.openapi(caseExportRoute, async (c) => {
    const input = c.req.valid('query');
    const { rows } = await exportCases({ ctx: c.get('ctx'), staff: c.get('staff'), input });
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await rows.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (err) {
          // The failed statement's message may quote the exported rows.
          c.get('ctx').logger.error('case export failed', { requestId: c.get('requestId'), ...describeError(err) });
          controller.error(err);
        }
      },
      async cancel() {
        await rows.return(undefined);
      },
    });
    // The office's own date: before 08:00 in Beijing the UTC date is still yesterday's.
    const stamp = shanghaiDate(c.get('ctx').clock.now());
    return c.body(body, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="cases-${stamp}${input.reveal ? '-with-contacts' : ''}.csv"`,
    });
  });
}
