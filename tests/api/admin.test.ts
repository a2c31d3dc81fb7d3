import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createApp } from '../../api/app.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import type { Logger } from '../../api/logger.ts';
import { Meta } from '../../api/routes/public/schemas.ts';
import {
  AdminCategory,
  AdminCategoryList,
  AdminDepartment,
  AdminDepartmentList,
  AdminLocation,
  AdminLocationList,
  AdminStaff,
  AdminStaffList,
} from '../../api/routes/staff/admin-schemas.ts';
import { testConfig, useTestApp } from '../helpers/app.ts';
import { json, makeCaseBody } from '../helpers/factories.ts';
import { call, fileCase, type StaffSession, signIn, staffSession } from '../helpers/staff.ts';

/*
 * The admin screens' API. Every row made here has a code or email unique to
 * this run, and what is created is deactivated again where the test allows,
 * because on PostgreSQL other test files read the same tables.
 */
const t = useTestApp({ env: { SIGN_IN_RATE_LIMIT: '1000' } });
let admin: StaffSession;
let dispatcher: StaffSession;

beforeAll(async () => {
  admin = await staffSession(t.app, t.db, 'admin');
  dispatcher = await staffSession(t.app, t.db, 'dispatcher');
});

const ADMIN = '/api/staff/admin';
/** A code no other test (or run) uses: a letter, then 12 hex digits. */
const uniqueCode = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const uniqueEmail = (who = 'staff') => `${who}-${randomUUID()}@office.test`;
const NEW_PASSWORD = 'a new long passphrase';

async function expectOk<S extends z.ZodType>(res: Response, status: number, schema: S): Promise<z.infer<S>> {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${await res.text()}`);
  return schema.parse(await res.json());
}

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = ErrorEnvelope.parse(await res.json());
  expect(body.error.code).toBe(code);
  return body.error;
}

/** The field names a 400 names. */
async function badFields(res: Response): Promise<string[]> {
  const error = await expectError(res, 400, 'invalid_input');
  return ((error.details as { fields: Array<{ field: string }> }).fields ?? []).map((f) => f.field);
}

async function meta() {
  return expectOk(await t.app.request('/api/meta?lang=en'), 200, Meta);
}

async function newDepartment(overrides: Record<string, unknown> = {}) {
  const body = { code: uniqueCode('dept'), nameZh: '测试科', nameEn: 'Test Section', isPartner: false, ...overrides };
  return expectOk(await call(t.app, admin, 'POST', `${ADMIN}/departments`, body), 201, AdminDepartment);
}

describe('departments', () => {
  it('creates, lists, changes and deactivates a department; a retired one takes no new work', async () => {
    const dept = await newDepartment({ isPartner: true, email: 'unit@partner.test' });
    expect(dept).toMatchObject({ nameZh: '测试科', nameEn: 'Test Section', isPartner: true, email: 'unit@partner.test', active: true });

    const list = await expectOk(await call(t.app, admin, 'GET', `${ADMIN}/departments`), 200, AdminDepartmentList);
    expect(list.items.find((d) => d.code === dept.code)).toEqual(dept);
    expect(list.items.map((d) => d.code)).toEqual(expect.arrayContaining(['enf1', 'railway_police']));

    const changed = await expectOk(await call(t.app, admin, 'PATCH', `${ADMIN}/departments/${dept.code}`, { nameEn: 'Renamed Section', email: null }), 200, AdminDepartment);
    expect(changed).toMatchObject({ code: dept.code, nameEn: 'Renamed Section', nameZh: '测试科', email: null, active: true });

    // The new department can lead a case at once (the reference cache was dropped)...
    const filed = await fileCase(t.app, t.db);
    const assigned = await call(t.app, dispatcher, 'POST', `/api/staff/cases/${filed.id}/assign`, { version: 1, leadDepartment: dept.code });
    expect(assigned.status).toBe(200);
    await call(t.app, dispatcher, 'POST', `/api/staff/cases/${filed.id}/return`, { version: 2, reason: '测试结束' });

    const retired = await expectOk(await call(t.app, admin, 'PATCH', `${ADMIN}/departments/${dept.code}`, { active: false }), 200, AdminDepartment);
    expect(retired.active).toBe(false);
    const after = await expectOk(await call(t.app, admin, 'GET', `${ADMIN}/departments`), 200, AdminDepartmentList);
    expect(after.items.find((d) => d.code === dept.code)!.active).toBe(false);

    // ...and none once retired: not as a lead, not as a category's default, not for a handler.
    const other = await fileCase(t.app, t.db);
    const refused = await call(t.app, dispatcher, 'POST', `/api/staff/cases/${other.id}/assign`, { version: 1, leadDepartment: dept.code });
    expect(await badFields(refused)).toEqual(['leadDepartment']);
    const category = { code: uniqueCode('cat'), nameZh: '类', nameEn: 'Cat', defaultDepartment: dept.code };
    expect(await badFields(await call(t.app, admin, 'POST', `${ADMIN}/categories`, category))).toEqual(['defaultDepartment']);
    const handler = { email: uniqueEmail(), name: '张三', role: 'handler', department: dept.code, password: NEW_PASSWORD };
    expect(await badFields(await call(t.app, admin, 'POST', `${ADMIN}/staff`, handler))).toEqual(['department']);
  });

  it('refuses to deactivate a department that still leads open cases, naming how many', async () => {
    const dept = await newDepartment();
    const open = [await fileCase(t.app, t.db), await fileCase(t.app, t.db)];
    for (const c of open) {
      const res = await call(t.app, dispatcher, 'POST', `/api/staff/cases/${c.id}/assign`, { version: 1, leadDepartment: dept.code });
      expect(res.status).toBe(200);
    }
    const path = `${ADMIN}/departments/${dept.code}?lang=en`;
    const error = await expectError(await call(t.app, admin, 'PATCH', path, { active: false }), 409, 'conflict');
    expect(error.message).toBe('This department leads 2 open case(s); reassign them before deactivating it');

    await call(t.app, dispatcher, 'POST', `/api/staff/cases/${open[0]!.id}/return`, { version: 2, reason: '非本单位职责' });
    expect((await expectError(await call(t.app, admin, 'PATCH', path, { active: false }), 409, 'conflict')).message).toContain('leads 1 open');
    await call(t.app, dispatcher, 'POST', `/api/staff/cases/${open[1]!.id}/assign`, { version: 2, leadDepartment: 'enf1' });
    expect((await call(t.app, admin, 'PATCH', path, { active: false })).status).toBe(200);
  });

  it('refuses a duplicate code, a bad code, an unknown department and a patch that changes nothing or the code', async () => {
    const dept = await newDepartment();
    const dup = await call(t.app, admin, 'POST', `${ADMIN}/departments`, { code: dept.code, nameZh: '重复', nameEn: 'Dup', isPartner: false });
    expect((await expectError(dup, 409, 'conflict')).message).toContain(dept.code);

    const bad = await call(t.app, admin, 'POST', `${ADMIN}/departments`, { code: 'Bad Code', nameZh: '', nameEn: 'x', isPartner: 'no', email: 'nope' });
    expect((await badFields(bad)).sort()).toEqual(['code', 'email', 'isPartner', 'nameZh']);

    await expectError(await call(t.app, admin, 'PATCH', `${ADMIN}/departments/${uniqueCode('none')}`, { nameEn: 'x' }), 404, 'not_found');
    expect(await badFields(await call(t.app, admin, 'PATCH', `${ADMIN}/departments/${dept.code}`, {}))).toEqual(['(body)']);
    const recode = await call(t.app, admin, 'PATCH', `${ADMIN}/departments/${dept.code}`, { code: uniqueCode('other') });
    await expectError(recode, 400, 'invalid_input');
    await call(t.app, admin, 'PATCH', `${ADMIN}/departments/${dept.code}`, { active: false });
  });
});

describe('categories', () => {
  it('a new category shows in /api/meta and takes cases at once; a retired one is gone at once', async () => {
    const code = uniqueCode('cat');
    const created = await expectOk(
      await call(t.app, admin, 'POST', `${ADMIN}/categories`, { code, nameZh: '失物招领', nameEn: 'Lost property', defaultDepartment: 'general', defaultPriority: 'blue' }),
      201,
      AdminCategory,
    );
    expect(created).toMatchObject({ code, defaultDepartment: 'general', defaultPriority: 'blue', active: true });
    expect(created.sortOrder).toBeGreaterThan(0);
    expect((await meta()).categories).toContainEqual({ code, name: 'Lost property', defaultPriority: 'blue' });
    expect((await t.app.request('/api/cases', json(makeCaseBody({ category: code })))).status).toBe(201);

    const list = await expectOk(await call(t.app, admin, 'GET', `${ADMIN}/categories`), 200, AdminCategoryList);
    expect(list.items.find((c) => c.code === code)).toEqual(created);
    expect(list.items.map((c) => c.code)).toEqual(expect.arrayContaining(['touting', 'illegal_taxi']));

    const changed = await expectOk(
      await call(t.app, admin, 'PATCH', `${ADMIN}/categories/${code}`, { nameEn: 'Lost and found', defaultDepartment: 'enf1', sortOrder: 5 }),
      200,
      AdminCategory,
    );
    expect(changed).toMatchObject({ code, nameEn: 'Lost and found', nameZh: '失物招领', defaultDepartment: 'enf1', sortOrder: 5, active: true });
    expect((await meta()).categories.find((c) => c.code === code)?.name).toBe('Lost and found');

    const retired = await expectOk(await call(t.app, admin, 'PATCH', `${ADMIN}/categories/${code}`, { active: false }), 200, AdminCategory);
    expect(retired.active).toBe(false);
    expect((await meta()).categories.map((c) => c.code)).not.toContain(code);
    expect((await t.app.request('/api/cases', json(makeCaseBody({ category: code })))).status).toBe(400);
    const still = await expectOk(await call(t.app, admin, 'GET', `${ADMIN}/categories`), 200, AdminCategoryList);
    expect(still.items.find((c) => c.code === code)?.active).toBe(false);
  });

  it('refuses a duplicate code, an unknown department, bad fields and an unknown category', async () => {
    const code = uniqueCode('cat');
    const body = { code, nameZh: '类别', nameEn: 'Category', defaultDepartment: 'enf2' };
    expect((await call(t.app, admin, 'POST', `${ADMIN}/categories`, body)).status).toBe(201);
    await expectError(await call(t.app, admin, 'POST', `${ADMIN}/categories`, body), 409, 'conflict');

    const unknown = await call(t.app, admin, 'POST', `${ADMIN}/categories`, { ...body, code: uniqueCode('cat'), defaultDepartment: 'no_such_dept' });
    expect(await badFields(unknown)).toEqual(['defaultDepartment']);
    const bad = await call(t.app, admin, 'POST', `${ADMIN}/categories`, { code: '9lives', nameZh: '类', nameEn: '', defaultDepartment: 'enf2', defaultPriority: 'purple' });
    expect((await badFields(bad)).sort()).toEqual(['code', 'defaultPriority', 'nameEn']);

    expect(await badFields(await call(t.app, admin, 'PATCH', `${ADMIN}/categories/${code}`, { defaultDepartment: 'no_such_dept' }))).toEqual(['defaultDepartment']);
    expect(await badFields(await call(t.app, admin, 'PATCH', `${ADMIN}/categories/${code}`, { sortOrder: -1 }))).toEqual(['sortOrder']);
    await expectError(await call(t.app, admin, 'PATCH', `${ADMIN}/categories/${uniqueCode('none')}`, { active: false }), 404, 'not_found');
    await call(t.app, admin, 'PATCH', `${ADMIN}/categories/${code}`, { active: false });
  });
});

describe('locations', () => {
  it('a new location shows in /api/meta under its station at once; a retired one is gone at once', async () => {
    const code = uniqueCode('loc');
    const created = await expectOk(await call(t.app, admin, 'POST', `${ADMIN}/locations`, { station: 'TJ', code, nameZh: '南出站口', nameEn: 'South exit' }), 201, AdminLocation);
    expect(created).toMatchObject({ station: 'TJ', code, nameZh: '南出站口', nameEn: 'South exit', active: true });
    expect((await meta()).locations).toContainEqual({ station: 'TJ', code, name: 'South exit' });
    expect((await t.app.request('/api/cases', json(makeCaseBody({ station: 'TJ', location: code })))).status).toBe(201);

    const tj = await expectOk(await call(t.app, admin, 'GET', `${ADMIN}/locations?station=TJ`), 200, AdminLocationList);
    expect(tj.items.every((l) => l.station === 'TJ')).toBe(true);
    expect(tj.items.find((l) => l.code === code)).toEqual(created);
    const all = await expectOk(await call(t.app, admin, 'GET', `${ADMIN}/locations`), 200, AdminLocationList);
    expect(new Set(all.items.map((l) => l.station))).toEqual(new Set(['TJ', 'TJN', 'BJN']));

    const changed = await expectOk(await call(t.app, admin, 'PATCH', `${ADMIN}/locations/TJ/${code}`, { nameEn: 'South exit hall', sortOrder: 99 }), 200, AdminLocation);
    expect(changed).toMatchObject({ nameEn: 'South exit hall', sortOrder: 99, active: true });
    expect((await meta()).locations.find((l) => l.code === code)?.name).toBe('South exit hall');

    await expectOk(await call(t.app, admin, 'PATCH', `${ADMIN}/locations/TJ/${code}`, { active: false }), 200, AdminLocation);
    expect((await meta()).locations.map((l) => l.code)).not.toContain(code);
    expect((await t.app.request('/api/cases', json(makeCaseBody({ station: 'TJ', location: code })))).status).toBe(400);
  });

  it('codes are unique per station; unknown stations and locations are refused', async () => {
    const code = uniqueCode('loc');
    const body = { station: 'TJN', code, nameZh: '地点', nameEn: 'Place' };
    expect((await call(t.app, admin, 'POST', `${ADMIN}/locations`, body)).status).toBe(201);
    await expectError(await call(t.app, admin, 'POST', `${ADMIN}/locations`, body), 409, 'conflict');
    // The same code at another station is another place.
    expect((await call(t.app, admin, 'POST', `${ADMIN}/locations`, { ...body, station: 'BJN' })).status).toBe(201);

    expect(await badFields(await call(t.app, admin, 'POST', `${ADMIN}/locations`, { ...body, station: 'NOPE', code: uniqueCode('loc') }))).toEqual(['station']);
    expect(await badFields(await call(t.app, admin, 'GET', `${ADMIN}/locations?station=NOPE`))).toEqual(['station']);
    const bad = await call(t.app, admin, 'POST', `${ADMIN}/locations`, { station: 'TJ', code: 'x', nameZh: '地' });
    expect((await badFields(bad)).sort()).toEqual(['code', 'nameEn']);
    await expectError(await call(t.app, admin, 'PATCH', `${ADMIN}/locations/NOPE/${code}`, { active: false }), 404, 'not_found');
    await expectError(await call(t.app, admin, 'PATCH', `${ADMIN}/locations/TJ/${code}`, { active: false }), 404, 'not_found');
    for (const station of ['TJN', 'BJN']) await call(t.app, admin, 'PATCH', `${ADMIN}/locations/${station}/${code}`, { active: false });
  });
});

describe('staff accounts', () => {
  async function createStaff(overrides: Record<string, unknown> = {}) {
    const body = { email: uniqueEmail(), name: '李四', role: 'handler', department: 'enf1', password: NEW_PASSWORD, ...overrides };
    return expectOk(await call(t.app, admin, 'POST', `${ADMIN}/staff`, body), 201, AdminStaff);
  }
  const me = (session: StaffSession) => call(t.app, session, 'GET', '/api/staff/me');

  it('creates a member who can sign in with the new password; lists staff without password hashes', async () => {
    const email = uniqueEmail('Mixed.Case');
    const created = await createStaff({ email });
    expect(created).toMatchObject({ email: email.toLowerCase(), name: '李四', role: 'handler', department: 'enf1', active: true, lockedUntil: null });
    const session = await signIn(t.app, email, NEW_PASSWORD);
    expect(session.response.status).toBe(200);
    expect((await me(session)).status).toBe(200);

    const res = await call(t.app, admin, 'GET', `${ADMIN}/staff`);
    const text = await res.clone().text();
    const list = await expectOk(res, 200, AdminStaffList);
    expect(list.items.find((s) => s.id === created.id)).toEqual(created);
    expect(list.items.some((s) => s.id === admin.id)).toBe(true);
    expect(text).not.toMatch(/passwordHash|password_hash|\$scrypt\$/);

    // The same address in other letters is the same address.
    const dup = await call(t.app, admin, 'POST', `${ADMIN}/staff`, { email: email.toUpperCase(), name: '王五', role: 'dispatcher', password: NEW_PASSWORD });
    await expectError(dup, 409, 'conflict');
  });

  it('refuses bad input, naming the fields, and a handler without a department', async () => {
    const bad = await call(t.app, admin, 'POST', `${ADMIN}/staff`, { email: 'not-an-email', name: '', role: 'boss', password: 'short' });
    expect((await badFields(bad)).sort()).toEqual(['email', 'name', 'password', 'role']);
    const noDept = await call(t.app, admin, 'POST', `${ADMIN}/staff`, { email: uniqueEmail(), name: '赵六', role: 'handler', password: NEW_PASSWORD });
    expect(await badFields(noDept)).toEqual(['department']);
    const unknownDept = await call(t.app, admin, 'POST', `${ADMIN}/staff`, { email: uniqueEmail(), name: '赵六', role: 'handler', department: 'nowhere', password: NEW_PASSWORD });
    expect(await badFields(unknownDept)).toEqual(['department']);

    const member = await createStaff();
    expect(await badFields(await call(t.app, admin, 'PATCH', `${ADMIN}/staff/${member.id}`, { department: null }))).toEqual(['department']);
    expect(await badFields(await call(t.app, admin, 'PATCH', `${ADMIN}/staff/${member.id}`, { password: '123' }))).toEqual(['password']);
    expect(await badFields(await call(t.app, admin, 'PATCH', `${ADMIN}/staff/not-a-uuid`, { name: 'x' }))).toEqual(['id']);
    await expectError(await call(t.app, admin, 'PATCH', `${ADMIN}/staff/${randomUUID()}`, { name: 'x' }), 404, 'not_found');
  });

  it('a new password ends the member’s sessions and lifts a lock; the old password stops working', async () => {
    const member = await createStaff({ role: 'dispatcher', department: undefined });
    const before = await signIn(t.app, member.email, NEW_PASSWORD);
    expect((await me(before)).status).toBe(200);
    // Someone at this address guesses until the account is locked for it.
    for (let i = 0; i < 5; i++) expect((await signIn(t.app, member.email, `wrong guess ${i}`)).response.status).toBe(401);
    expect((await signIn(t.app, member.email, NEW_PASSWORD)).response.status).toBe(401);
    const listed = await expectOk(await call(t.app, admin, 'GET', `${ADMIN}/staff`), 200, AdminStaffList);
    expect(listed.items.find((s) => s.id === member.id)?.lockedUntil).not.toBeNull();

    const changed = await expectOk(await call(t.app, admin, 'PATCH', `${ADMIN}/staff/${member.id}`, { password: 'another passphrase 2' }), 200, AdminStaff);
    expect(changed.lockedUntil).toBeNull();
    expect((await me(before)).status).toBe(401);
    expect((await signIn(t.app, member.email, NEW_PASSWORD)).response.status).toBe(401);
    expect((await signIn(t.app, member.email, 'another passphrase 2')).response.status).toBe(200);
  });

  it('deactivation ends the sessions and refuses sign-in until reactivated', async () => {
    const member = await createStaff();
    const session = await signIn(t.app, member.email, NEW_PASSWORD);
    expect((await me(session)).status).toBe(200);
    const off = await expectOk(await call(t.app, admin, 'PATCH', `${ADMIN}/staff/${member.id}`, { active: false }), 200, AdminStaff);
    expect(off.active).toBe(false);
    expect((await me(session)).status).toBe(401);
    expect((await signIn(t.app, member.email, NEW_PASSWORD)).response.status).toBe(401);

    await expectOk(await call(t.app, admin, 'PATCH', `${ADMIN}/staff/${member.id}`, { active: true }), 200, AdminStaff);
    const again = await signIn(t.app, member.email, NEW_PASSWORD);
    expect((await me(again)).status).toBe(200);
  });

  it('a new role ends the sessions; a name change does not', async () => {
    const member = await createStaff();
    const session = await signIn(t.app, member.email, NEW_PASSWORD);
    await expectOk(await call(t.app, admin, 'PATCH', `${ADMIN}/staff/${member.id}`, { name: '李四（新）' }), 200, AdminStaff);
    expect((await me(session)).status).toBe(200);
    const promoted = await expectOk(await call(t.app, admin, 'PATCH', `${ADMIN}/staff/${member.id}`, { role: 'supervisor', department: null }), 200, AdminStaff);
    expect(promoted).toMatchObject({ role: 'supervisor', department: null, name: '李四（新）' });
    expect((await me(session)).status).toBe(401);
  });

  it('an admin cannot deactivate or demote themselves, but may another admin', async () => {
    const self = await staffSession(t.app, t.db, 'admin');
    const path = `${ADMIN}/staff/${self.id}?lang=en`;
    const demote = await expectError(await call(t.app, self, 'PATCH', path, { role: 'dispatcher' }), 409, 'conflict');
    expect(demote.message).toBe('You cannot take away your own admin role; ask another administrator');
    const deactivate = await expectError(await call(t.app, self, 'PATCH', path, { active: false }), 409, 'conflict');
    expect(deactivate.message).toBe('You cannot deactivate your own account; ask another administrator');
    expect((await me(self)).status).toBe(200);
    // Naming one's own role as admin is no demotion.
    expect((await call(t.app, self, 'PATCH', path, { role: 'admin', name: 'Admin Self' })).status).toBe(200);

    const demoted = await expectOk(await call(t.app, admin, 'PATCH', `${ADMIN}/staff/${self.id}`, { role: 'dispatcher' }), 200, AdminStaff);
    expect(demoted.role).toBe('dispatcher');
    expect((await me(self)).status).toBe(401);
  });

  it('logs each write with ids only: no email, name or password', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const log =
      (level: string) =>
      (msg: string, fields: Record<string, unknown> = {}) =>
        void lines.push({ level, msg, ...fields });
    const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
    const app = createApp({ config: testConfig({ SIGN_IN_RATE_LIMIT: '1000' }), logger, database: () => t.db });
    const email = uniqueEmail('logged');
    const res = await call(app, admin, 'POST', `${ADMIN}/staff`, { email, name: '日志测试', role: 'dispatcher', password: NEW_PASSWORD });
    const created = await expectOk(res, 201, AdminStaff);
    await call(app, admin, 'PATCH', `${ADMIN}/staff/${created.id}`, { name: '改名', password: 'yet another passphrase' });
    const written = lines.filter((l) => String(l.msg).startsWith('admin: staff'));
    expect(written.map((l) => l.msg)).toEqual(['admin: staff created', 'admin: staff updated']);
    expect(written[0]).toMatchObject({ userId: created.id, actorId: admin.id });
    expect(written[1]).toMatchObject({ userId: created.id, fields: ['name', 'password'], sessionsEnded: true });
    const all = JSON.stringify(lines);
    for (const secret of [email, '日志测试', '改名', NEW_PASSWORD, 'yet another passphrase']) expect(all).not.toContain(secret);
  });
});

describe('who may call the admin routes', () => {
  const ROLES = ['dispatcher', 'handler', 'supervisor', 'admin'] as const;
  const sessions = {} as Record<(typeof ROLES)[number], StaffSession>;
  const targets = { department: '', category: '', location: '', staff: '' };

  beforeAll(async () => {
    sessions.dispatcher = dispatcher;
    sessions.handler = await staffSession(t.app, t.db, 'handler', 'enf2');
    sessions.supervisor = await staffSession(t.app, t.db, 'supervisor');
    sessions.admin = admin;
    targets.department = (await newDepartment()).code;
    targets.category = uniqueCode('cat');
    await call(t.app, admin, 'POST', `${ADMIN}/categories`, { code: targets.category, nameZh: '类', nameEn: 'Cat', defaultDepartment: 'enf1' });
    targets.location = uniqueCode('loc');
    await call(t.app, admin, 'POST', `${ADMIN}/locations`, { station: 'BJN', code: targets.location, nameZh: '地', nameEn: 'Place' });
    targets.staff = (await staffSession(t.app, t.db, 'dispatcher')).id;
  });

  /** Each route with a valid request, so that only the caller decides the answer. */
  const ROUTES: Array<{ name: string; method: string; path: () => string; body?: () => unknown; ok: number }> = [
    { name: 'list staff', method: 'GET', path: () => `${ADMIN}/staff`, ok: 200 },
    { name: 'create staff', method: 'POST', path: () => `${ADMIN}/staff`, body: () => ({ email: uniqueEmail(), name: '矩阵', role: 'supervisor', password: NEW_PASSWORD }), ok: 201 },
    { name: 'change staff', method: 'PATCH', path: () => `${ADMIN}/staff/${targets.staff}`, body: () => ({ name: '矩阵' }), ok: 200 },
    { name: 'list departments', method: 'GET', path: () => `${ADMIN}/departments`, ok: 200 },
    { name: 'create department', method: 'POST', path: () => `${ADMIN}/departments`, body: () => ({ code: uniqueCode('dept'), nameZh: '科', nameEn: 'Section', isPartner: false }), ok: 201 },
    { name: 'change department', method: 'PATCH', path: () => `${ADMIN}/departments/${targets.department}`, body: () => ({ nameEn: 'Matrix' }), ok: 200 },
    { name: 'list categories', method: 'GET', path: () => `${ADMIN}/categories`, ok: 200 },
    {
      name: 'create category',
      method: 'POST',
      path: () => `${ADMIN}/categories`,
      body: () => ({ code: uniqueCode('cat'), nameZh: '类', nameEn: 'Cat', defaultDepartment: 'enf1' }),
      ok: 201,
    },
    { name: 'change category', method: 'PATCH', path: () => `${ADMIN}/categories/${targets.category}`, body: () => ({ active: false }), ok: 200 },
    { name: 'list locations', method: 'GET', path: () => `${ADMIN}/locations?station=BJN`, ok: 200 },
    { name: 'create location', method: 'POST', path: () => `${ADMIN}/locations`, body: () => ({ station: 'BJN', code: uniqueCode('loc'), nameZh: '地', nameEn: 'Place' }), ok: 201 },
    { name: 'change location', method: 'PATCH', path: () => `${ADMIN}/locations/BJN/${targets.location}`, body: () => ({ active: false }), ok: 200 },
  ];

  /** Retires what a matrix call made, so other test files never see it. */
  async function retire(path: string, made: { id?: string; code?: string; station?: string }) {
    const target = made.station ? `${path}/${made.station}/${made.code}` : `${path}/${made.code ?? made.id}`;
    expect((await call(t.app, admin, 'PATCH', target, { active: false })).status).toBe(200);
  }

  for (const route of ROUTES) {
    for (const role of ROLES) {
      const allowed = role === 'admin';
      it(`${route.name} by ${role}: ${allowed ? 'allowed' : 'denied'}`, async () => {
        const body = route.body?.();
        const res = await call(t.app, sessions[role], route.method, route.path(), body);
        if (allowed) {
          expect(res.status, await res.clone().text()).toBe(route.ok);
          if (route.method === 'POST') await retire(route.path(), await res.json());
          return;
        }
        await expectError(res, 403, 'forbidden');
        if (route.method === 'POST') {
          // Nothing was made: the same code or email is still free.
          const again = await call(t.app, admin, 'POST', route.path(), body);
          expect(again.status).toBe(201);
          await retire(route.path(), await again.json());
        }
      });
    }
    it(`${route.name} without a session: 401`, async () => {
      const body = route.body?.();
      const res = await t.app.request(route.path(), {
        method: route.method,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      await expectError(res, 401, 'unauthorized');
    });
  }

  it('an admin write without the CSRF token is refused', async () => {
    const res = await t.app.request(`${ADMIN}/departments/${targets.department}`, {
      method: 'PATCH',
      headers: { cookie: admin.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ nameEn: 'No CSRF' }),
    });
    await expectError(res, 403, 'forbidden');
  });

  it('the admin schemas are in the OpenAPI document', async () => {
    const doc = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths['/api/staff/admin/staff']!)).toEqual(expect.arrayContaining(['get', 'post']));
    expect(doc.paths['/api/staff/admin/locations/{station}/{code}']).toHaveProperty('patch');
    for (const name of ['AdminStaff', 'CreateStaff', 'UpdateStaff', 'AdminDepartment', 'CreateDepartment', 'AdminCategory', 'UpdateCategory', 'AdminLocation', 'CreateLocation']) {
      expect(doc.components.schemas, name).toHaveProperty(name);
    }
  });
});
