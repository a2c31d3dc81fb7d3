import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { createPolicy, importCalendarYear, listCalendarYear, listPolicies, setCalendarDay, updatePolicy } from '../../domain/deadlines/admin.ts';
import { errorDoc } from '../../http/envelope.ts';
import { requireAdmin, requireStaff, type StaffEnv } from '../../http/staff-auth.ts';
import { toWire } from '../../http/wire.ts';
import { CASE_KINDS, CHANNELS, DAY_KINDS, DURATION_UNITS, PRIORITIES } from '../../../db/schema.ts';

/* Admin screens for the working calendar (节假日/调休) and the deadline policies. */

const isoDay = z.iso.date();
const DayRow = z.object({ day: z.string(), kind: z.enum(DAY_KINDS), isWorkday: z.boolean(), name: z.string().nullable() });
const CalendarYear = z
  .object({ year: z.number().int(), days: z.array(DayRow), holidays: z.number().int(), provisional: z.boolean() })
  .openapi('CalendarYear');
const CalendarImport = z
  .object({
    year: z.number().int().min(2000).max(2100),
    holidays: z.array(z.object({ date: isoDay, name: z.string().max(50).optional() })).max(60),
    workdays: z.array(z.object({ date: isoDay, name: z.string().max(50).optional() })).max(30),
  })
  .openapi('CalendarImport');
const CalendarImported = z
  .object({ year: z.number().int(), days: z.number().int(), holidays: z.number().int(), workdays: z.number().int() })
  .openapi('CalendarImported');
const Duration = z.object({ amount: z.number().min(0).max(10_000), unit: z.enum(DURATION_UNITS) }).nullable();
const PolicyBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    channel: z.enum(CHANNELS).nullable().optional(),
    kind: z.enum(CASE_KINDS).nullable().optional(),
    category: z.string().max(64).nullable().optional(),
    priority: z.enum(PRIORITIES).nullable().optional(),
    ack: Duration.optional(),
    contact: Duration.optional(),
    reply: Duration.optional(),
    source: z.string().max(500).nullable().optional(),
    active: z.boolean().optional(),
  })
  .openapi('PolicyInput');
const Policy = z
  .object({
    id: z.number().int(),
    name: z.string(),
    channel: z.enum(CHANNELS).nullable(),
    kind: z.enum(CASE_KINDS).nullable(),
    categoryId: z.number().int().nullable(),
    priority: z.enum(PRIORITIES).nullable(),
    ackAmount: z.number().nullable(),
    ackUnit: z.enum(DURATION_UNITS).nullable(),
    contactAmount: z.number().nullable(),
    contactUnit: z.enum(DURATION_UNITS).nullable(),
    replyAmount: z.number().nullable(),
    replyUnit: z.enum(DURATION_UNITS).nullable(),
    source: z.string().nullable(),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Policy');

const errors = { 400: errorDoc('Bad input'), 401: errorDoc('No session'), 403: errorDoc('Not an admin, or CSRF'), 404: errorDoc('No such row') };
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
  summary: 'Set one day: workday, weekend, holiday or make-up workday',
  request: { params: z.object({ day: isoDay }), body: body(z.object({ kind: z.enum(DAY_KINDS), name: z.string().max(50).optional() })) },
  responses: { 200: ok(DayRow), ...errors },
});
export const calendarImportRoute = createRoute({
  method: 'post',
  path: '/api/staff/admin/calendar/import',
  tags,
  summary: 'Import a year as JSON: its holidays and make-up workdays (the State Council notice)',
  request: { body: body(CalendarImport) },
  responses: { 200: ok(CalendarImported), ...errors },
});
export const policiesRoute = createRoute({ method: 'get', path: '/api/staff/admin/policies', tags, summary: 'Deadline policies', responses: { 200: ok(z.array(Policy)), ...errors } });
export const createPolicyRoute = createRoute({
  method: 'post',
  path: '/api/staff/admin/policies',
  tags,
  summary: 'Add a policy (matched most-specific-first on channel, kind, category, priority)',
  request: { body: body(PolicyBody) },
  responses: { 201: ok(Policy, 'Created'), ...errors },
});
export const updatePolicyRoute = createRoute({
  method: 'patch',
  path: '/api/staff/admin/policies/{id}',
  tags,
  summary: 'Change or deactivate a policy',
  request: { params: z.object({ id: z.coerce.number().int().min(1) }), body: body(PolicyBody.partial()) },
  responses: { 200: ok(Policy), ...errors },
});

export function registerAdminDeadlineRoutes(app: OpenAPIHono<AppEnv>) {
  const staffApp = app as unknown as OpenAPIHono<StaffEnv>;
  const middleware = [requireStaff, requireAdmin];
  staffApp.openapi({ ...calendarRoute, middleware }, async (c) =>
    c.json(await listCalendarYear({ ctx: c.get('ctx'), staff: c.get('staff'), year: c.req.valid('query').year }), 200),
  );
  staffApp.openapi({ ...calendarDayRoute, middleware }, async (c) =>
    c.json(await setCalendarDay({ ctx: c.get('ctx'), staff: c.get('staff'), input: { day: c.req.valid('param').day, ...c.req.valid('json') } }), 200),
  );
  staffApp.openapi({ ...calendarImportRoute, middleware }, async (c) =>
    c.json(await importCalendarYear({ ctx: c.get('ctx'), staff: c.get('staff'), input: c.req.valid('json') }), 200),
  );
  staffApp.openapi({ ...policiesRoute, middleware }, async (c) => c.json(toWire(await listPolicies({ ctx: c.get('ctx'), staff: c.get('staff') })), 200));
  staffApp.openapi({ ...createPolicyRoute, middleware }, async (c) =>
    c.json(toWire(await createPolicy({ ctx: c.get('ctx'), staff: c.get('staff'), input: c.req.valid('json') })), 201),
  );
  staffApp.openapi({ ...updatePolicyRoute, middleware }, async (c) =>
    c.json(toWire(await updatePolicy({ ctx: c.get('ctx'), staff: c.get('staff'), input: { id: c.req.valid('param').id, ...c.req.valid('json') } })), 200),
  );
}
