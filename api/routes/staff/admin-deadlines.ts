import { createRoute, z } from '@hono/zod-openapi';
import { DAY_KINDS } from '../../contract/enums.ts';
import { text } from '../../contract/text.ts';
import { CalendarImport, CalendarImported, CalendarYear, DaySet, IsoDay, Policy, PolicyBody } from '../../contract/wire/deadlines.ts';
import { importCalendarYear, listCalendarYear, setCalendarDay } from '../../domain/deadlines/admin.ts';
import { createPolicy, listPolicies, updatePolicy } from '../../domain/deadlines/policies.ts';
import { errorResponses } from '../../http/envelope.ts';
import { toWire } from '../../http/wire.ts';
import type { AdminRouter } from '../routers.ts';

/* Admin screens for the working calendar (节假日/调休) and the deadline policies. */

const errors = errorResponses({ 400: 'Bad input', 401: 'No session', 403: 'Not an admin, or CSRF', 404: 'No such row' });
/** A policy write may tie with an active policy of the same scope (details.policy names it). */
const policyErrors = errorResponses({
  400: 'Bad input',
  401: 'No session',
  403: 'Not an admin, or CSRF',
  404: 'No such policy',
  409: 'Ties with an active policy of the same scope that sets the same clock (`details.policy`: its id and name); one of them would never apply',
});
const ok = <T extends z.ZodType>(schema: T, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
const tags = ['staff: admin'];

export const calendarRoute = createRoute({
  method: 'get',
  path: '/api/staff/admin/calendar',
  tags,
  summary: 'A year of the working calendar',
  request: { query: z.object({ year: z.coerce.number().int().min(2000).max(2100) }) },
  responses: { 200: ok(CalendarYear), ...errors },
});
export const calendarDayRoute = createRoute({
  method: 'put',
  path: '/api/staff/admin/calendar/{day}',
  tags,
  summary: "Set one day: workday, weekend, holiday or make-up workday; open cases' unmet deadlines from that day on are recomputed",
  request: { params: z.object({ day: IsoDay }), body: body(z.object({ kind: z.enum(DAY_KINDS), name: text().max(50).optional() })) },
  responses: { 200: ok(DaySet), ...errors },
});
export const calendarImportRoute = createRoute({
  method: 'post',
  path: '/api/staff/admin/calendar/import',
  tags,
  summary: "Import a year as JSON: its holidays and make-up workdays (the State Council notice); open cases' unmet deadlines in or after it are recomputed",
  request: { body: body(CalendarImport) },
  responses: { 200: ok(CalendarImported), ...errors },
});
export const policiesRoute = createRoute({ method: 'get', path: '/api/staff/admin/policies', tags, summary: 'Deadline policies', responses: { 200: ok(z.array(Policy)), ...errors } });
export const createPolicyRoute = createRoute({
  method: 'post',
  path: '/api/staff/admin/policies',
  tags,
  summary: 'Add a policy (matched most-specific-first on channel, kind, category, priority); one that would tie with an active policy is refused',
  request: { body: body(PolicyBody) },
  responses: { 201: ok(Policy, 'Created'), ...policyErrors },
});
export const updatePolicyRoute = createRoute({
  method: 'patch',
  path: '/api/staff/admin/policies/{id}',
  tags,
  summary: 'Edit a policy, or switch it off or on (null clears a scope field or a clock); a result that would tie with an active policy is refused',
  request: { params: z.object({ id: z.coerce.number().int().min(1) }), body: body(PolicyBody.partial()) },
  responses: { 200: ok(Policy), ...policyErrors },
});

export function registerAdminDeadlineRoutes(router: AdminRouter) {
  router.openapi(calendarRoute, async (c) => c.json(await listCalendarYear({ ctx: c.get('ctx'), staff: c.get('staff'), year: c.req.valid('query').year }), 200));
  router.openapi(calendarDayRoute, async (c) =>
    c.json(await setCalendarDay({ ctx: c.get('ctx'), staff: c.get('staff'), input: { day: c.req.valid('param').day, ...c.req.valid('json') } }), 200),
  );
  router.openapi(calendarImportRoute, async (c) => c.json(await importCalendarYear({ ctx: c.get('ctx'), staff: c.get('staff'), input: c.req.valid('json') }), 200));
  router.openapi(policiesRoute, async (c) => c.json(toWire(await listPolicies({ ctx: c.get('ctx'), staff: c.get('staff') })), 200));
  router.openapi(createPolicyRoute, async (c) => c.json(toWire(await createPolicy({ ctx: c.get('ctx'), staff: c.get('staff'), input: c.req.valid('json') })), 201));
  router.openapi(updatePolicyRoute, async (c) =>
    c.json(toWire(await updatePolicy({ ctx: c.get('ctx'), staff: c.get('staff'), input: { id: c.req.valid('param').id, ...c.req.valid('json') } })), 200),
  );
}
