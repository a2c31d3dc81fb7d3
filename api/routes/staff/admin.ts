import { createRoute, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createCategory, listCategories, updateCategory } from '../../domain/admin/categories.ts';
import { createDepartment, listDepartments, updateDepartment } from '../../domain/admin/departments.ts';
import { createLocation, listLocations, listStations, updateLocation, updateStation } from '../../domain/admin/locations.ts';
import { createStaff, listStaff, updateStaff } from '../../domain/admin/staff.ts';
import { errorResponses } from '../../http/envelope.ts';
import type { StaffEnv } from '../../http/staff-auth.ts';
import { toWire } from '../../http/wire.ts';
import type { AdminRouter } from '../routers.ts';
import {
  AdminCategory,
  AdminCategoryList,
  AdminDepartment,
  AdminDepartmentList,
  AdminLocation,
  AdminLocationList,
  AdminStaff,
  AdminStaffList,
  AdminStation,
  AdminStationList,
  CodeParams,
  CreateCategoryBody,
  CreateDepartmentBody,
  CreateLocationBody,
  CreateStaffBody,
  LocationParams,
  LocationQuery,
  StaffIdParams,
  UpdateCategoryBody,
  UpdateDepartmentBody,
  UpdateLocationBody,
  UpdateStaffBody,
  UpdateStationBody,
} from './admin-schemas.ts';

/*
 * The admin screens: staff, departments, categories, locations. Admins only
 * (the admin router's guard): the role is checked before the body is read, so
 * nobody else learns even what a valid body looks like.
 */
const reads = errorResponses({ 400: 'Bad input', 401: 'No session', 403: 'Not an admin' });
const writes = errorResponses({ 400: 'Bad input', 401: 'No session', 403: 'Not an admin, or CSRF', 404: 'No such row', 409: 'Duplicate, or not allowed now' });
const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ required: true, ...json(schema) });
const tags = ['staff: admin'];

export const listStaffRoute = createRoute({
  method: 'get',
  path: '/api/staff/admin/staff',
  tags,
  summary: 'List staff (never their password hashes)',
  responses: { 200: { description: 'The staff', ...json(AdminStaffList) }, ...reads },
});
export const createStaffRoute = createRoute({
  method: 'post',
  path: '/api/staff/admin/staff',
  tags,
  summary: 'Create a staff account (a handler needs a department)',
  request: { body: body(CreateStaffBody) },
  responses: { 201: { description: 'Created', ...json(AdminStaff) }, ...writes },
});
export const updateStaffRoute = createRoute({
  method: 'patch',
  path: '/api/staff/admin/staff/{id}',
  tags,
  summary: 'Change, deactivate or reset the password of a staff account',
  request: { params: StaffIdParams, body: body(UpdateStaffBody) },
  responses: { 200: { description: 'Changed', ...json(AdminStaff) }, ...writes },
});

export const listDepartmentsRoute = createRoute({
  method: 'get',
  path: '/api/staff/admin/departments',
  tags,
  summary: 'List departments, active or not',
  responses: { 200: { description: 'The departments', ...json(AdminDepartmentList) }, ...reads },
});
export const createDepartmentRoute = createRoute({
  method: 'post',
  path: '/api/staff/admin/departments',
  tags,
  summary: 'Create a department or partner unit',
  request: { body: body(CreateDepartmentBody) },
  responses: { 201: { description: 'Created', ...json(AdminDepartment) }, ...writes },
});
export const updateDepartmentRoute = createRoute({
  method: 'patch',
  path: '/api/staff/admin/departments/{code}',
  tags,
  summary: 'Change or deactivate a department',
  request: { params: CodeParams, body: body(UpdateDepartmentBody) },
  responses: { 200: { description: 'Changed', ...json(AdminDepartment) }, ...writes },
});

export const listCategoriesRoute = createRoute({
  method: 'get',
  path: '/api/staff/admin/categories',
  tags,
  summary: 'List categories, active or not',
  responses: { 200: { description: 'The categories', ...json(AdminCategoryList) }, ...reads },
});
export const createCategoryRoute = createRoute({
  method: 'post',
  path: '/api/staff/admin/categories',
  tags,
  summary: 'Create a category',
  request: { body: body(CreateCategoryBody) },
  responses: { 201: { description: 'Created', ...json(AdminCategory) }, ...writes },
});
export const updateCategoryRoute = createRoute({
  method: 'patch',
  path: '/api/staff/admin/categories/{code}',
  tags,
  summary: 'Change or deactivate a category',
  request: { params: CodeParams, body: body(UpdateCategoryBody) },
  responses: { 200: { description: 'Changed', ...json(AdminCategory) }, ...writes },
});

export const listLocationsRoute = createRoute({
  method: 'get',
  path: '/api/staff/admin/locations',
  tags,
  summary: 'List locations, active or not, optionally of one station',
  request: { query: LocationQuery },
  responses: { 200: { description: 'The locations', ...json(AdminLocationList) }, ...reads },
});
export const createLocationRoute = createRoute({
  method: 'post',
  path: '/api/staff/admin/locations',
  tags,
  summary: 'Create a location in a station district',
  request: { body: body(CreateLocationBody) },
  responses: { 201: { description: 'Created', ...json(AdminLocation) }, ...writes },
});
export const updateLocationRoute = createRoute({
  method: 'patch',
  path: '/api/staff/admin/locations/{station}/{code}',
  tags,
  summary: 'Change or deactivate a location',
  request: { params: LocationParams, body: body(UpdateLocationBody) },
  responses: { 200: { description: 'Changed', ...json(AdminLocation) }, ...writes },
});

export const listStationsRoute = createRoute({
  method: 'get',
  path: '/api/staff/admin/stations',
  tags,
  summary: 'List stations, active or not, with their coordinates',
  responses: { 200: { description: 'The stations', ...json(AdminStationList) }, ...reads },
});
export const updateStationRoute = createRoute({
  method: 'patch',
  path: '/api/staff/admin/stations/{code}',
  tags,
  summary: 'Set where a station is on a map (Open311 places requests filed without coordinates there)',
  request: { params: CodeParams, body: body(UpdateStationBody) },
  responses: { 200: { description: 'Changed', ...json(AdminStation) }, ...writes },
});

export function registerAdminRoutes(router: AdminRouter) {
  const caller = (c: Context<StaffEnv>) => ({ ctx: c.get('ctx'), actor: c.get('staff') });

  router.openapi(listStaffRoute, async (c) => c.json({ items: toWire(await listStaff(caller(c))) }, 200));
  router.openapi(createStaffRoute, async (c) => c.json(toWire(await createStaff({ ...caller(c), input: c.req.valid('json') })), 201));
  router.openapi(updateStaffRoute, async (c) => c.json(toWire(await updateStaff({ ...caller(c), input: { ...c.req.valid('json'), id: c.req.valid('param').id } })), 200));

  router.openapi(listDepartmentsRoute, async (c) => c.json({ items: await listDepartments(caller(c)) }, 200));
  router.openapi(createDepartmentRoute, async (c) => c.json(await createDepartment({ ...caller(c), input: c.req.valid('json') }), 201));
  router.openapi(updateDepartmentRoute, async (c) => c.json(await updateDepartment({ ...caller(c), input: { ...c.req.valid('json'), code: c.req.valid('param').code } }), 200));

  router.openapi(listCategoriesRoute, async (c) => c.json({ items: await listCategories(caller(c)) }, 200));
  router.openapi(createCategoryRoute, async (c) => c.json(await createCategory({ ...caller(c), input: c.req.valid('json') }), 201));
  router.openapi(updateCategoryRoute, async (c) => c.json(await updateCategory({ ...caller(c), input: { ...c.req.valid('json'), code: c.req.valid('param').code } }), 200));

  router.openapi(listStationsRoute, async (c) => c.json({ items: await listStations(caller(c)) }, 200));
  router.openapi(updateStationRoute, async (c) => c.json(await updateStation({ ...caller(c), input: { ...c.req.valid('json'), code: c.req.valid('param').code } }), 200));

  router.openapi(listLocationsRoute, async (c) => c.json({ items: await listLocations({ ...caller(c), input: c.req.valid('query') }) }, 200));
  router.openapi(createLocationRoute, async (c) => c.json(await createLocation({ ...caller(c), input: c.req.valid('json') }), 201));
  router.openapi(updateLocationRoute, async (c) => c.json(await updateLocation({ ...caller(c), input: { ...c.req.valid('json'), ...c.req.valid('param') } }), 200));
}
