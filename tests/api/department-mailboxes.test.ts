import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { AdminDepartment, AdminDepartmentList } from '../../api/routes/staff/admin-schemas.ts';
import { departments, outbox } from '../../db/schema.ts';
import { seedReference } from '../../db/seed/index.ts';
import { DEPARTMENTS, OFFICE_MAIL_DOMAIN } from '../../db/seed/reference.ts';
import { useTestApp } from '../helpers/app.ts';
import { call, fileCase, type StaffSession, staffSession } from '../helpers/staff.ts';

/*
 * Departments' mailboxes: set by the seed, edited by admins, never undone by a
 * reseed. This file edits the seeded departments and reseeds, so it has a
 * database of its own.
 */
const t = useTestApp({ isolated: true });
let admin: StaffSession;
let dispatcher: StaffSession;

beforeAll(async () => {
  admin = await staffSession(t.app, t.db, 'admin');
  dispatcher = await staffSession(t.app, t.db, 'dispatcher');
});

const PATH = '/api/staff/admin/departments';
const patch = (code: string, body: unknown, who = admin) => call(t.app, who, 'PATCH', `${PATH}/${code}`, body);
async function mailboxes() {
  const res = await call(t.app, admin, 'GET', PATH);
  expect(res.status).toBe(200);
  return new Map(AdminDepartmentList.parse(await res.json()).items.map((d) => [d.code, d.email]));
}
async function fieldsOf(res: Response) {
  expect(res.status).toBe(400);
  const { error } = ErrorEnvelope.parse(await res.json());
  expect(error.code).toBe('invalid_input');
  return (error.details as { fields: Array<{ field: string }> }).fields.map((f) => f.field);
}

describe('department mailboxes', () => {
  it('are seeded for every section and partner unit, on the reserved office domain', async () => {
    const seeded = await mailboxes();
    expect(seeded.get('enf1')).toBe(`zhifa1@${OFFICE_MAIL_DOMAIN}`);
    for (const d of DEPARTMENTS) expect(seeded.get(d.code), d.code).toBe(d.email);
    expect(new Set(DEPARTMENTS.map((d) => d.email)).size).toBe(DEPARTMENTS.length);
    expect(DEPARTMENTS.every((d) => d.email.endsWith('@tjzhan.example'))).toBe(true);
  });

  it('an admin sets or clears one; a bad address is a 400 naming the field and changes nothing; a reseed keeps every edit', async () => {
    const set = await patch('enf2', { email: 'enf2.duty@tjzhan.example' });
    expect(set.status).toBe(200);
    expect(AdminDepartment.parse(await set.json()).email).toBe('enf2.duty@tjzhan.example');
    const cleared = await patch('enf3', { email: '' });
    expect(cleared.status).toBe(200);
    expect(AdminDepartment.parse(await cleared.json()).email).toBeNull();
    expect((await patch('environment', { email: null })).status).toBe(200);

    for (const bad of ['not-an-email', 'two@at@tjzhan.example', 42, `${'x'.repeat(250)}@tjzhan.example`]) {
      expect(await fieldsOf(await patch('general', { email: bad })), String(bad)).toEqual(['email']);
    }
    expect(await fieldsOf(await patch('general', { email: 'not-an-email', nameEn: 'Renamed' }))).toEqual(['email']);
    expect((await patch('general', { email: 'someone@tjzhan.example' }, dispatcher)).status).toBe(403);
    let now = await mailboxes();
    expect(now.get('general')).toBe(`zonghe@${OFFICE_MAIL_DOMAIN}`);

    await seedReference(t.db);
    now = await mailboxes();
    expect(now.get('enf2')).toBe('enf2.duty@tjzhan.example');
    expect(now.get('enf3')).toBeNull();
    expect(now.get('environment')).toBeNull();
    expect(now.get('general')).toBe(`zonghe@${OFFICE_MAIL_DOMAIN}`);

    // The next assignment is mailed to the edited address.
    const filed = await fileCase(t.app, t.db);
    const res = await call(t.app, dispatcher, 'POST', `/api/staff/cases/${filed.id}/assign`, { version: filed.version, leadDepartment: 'enf2' });
    expect(res.status).toBe(200);
    const mails = await t.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.caseId, filed.id), eq(outbox.template, 'assignment')));
    expect(mails.map((m) => m.recipient)).toEqual(['enf2.duty@tjzhan.example']);
  });

  it('a new department may be created with a blank mailbox (none)', async () => {
    const res = await call(t.app, admin, 'POST', PATH, { code: 'lost_property', nameZh: '失物招领', nameEn: 'Lost property', isPartner: false, email: '' });
    expect(res.status).toBe(201);
    expect(AdminDepartment.parse(await res.json()).email).toBeNull();
  });

  it('a reseed gives a mailbox to a seeded department no admin has touched, and to no other', async () => {
    // As in a database seeded before departments had mailboxes: one row untouched, one edited since.
    await t.db
      .update(departments)
      .set({ email: null, updatedAt: sql`${departments.createdAt}` })
      .where(eq(departments.code, 'traffic_police'));
    await t.db
      .update(departments)
      .set({ email: null, updatedAt: sql`${departments.createdAt} + interval '1 day'` })
      .where(eq(departments.code, 'railway_police'));
    await seedReference(t.db);
    const [untouched] = await t.db.select().from(departments).where(eq(departments.code, 'traffic_police'));
    const [edited] = await t.db.select().from(departments).where(eq(departments.code, 'railway_police'));
    expect(untouched!.email).toBe(`lianluo.jiaojing@${OFFICE_MAIL_DOMAIN}`);
    expect(edited!.email).toBeNull();
  });
});
