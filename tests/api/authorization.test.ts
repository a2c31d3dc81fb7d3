import { beforeAll, describe, expect, it } from 'vitest';
import { CaseDetail } from '../../api/routes/staff/schemas.ts';
import { fixedClock, useTestApp } from '../helpers/app.ts';
import { call, fileCase, type StaffSession, staffSession } from '../helpers/staff.ts';

/*
 * Every staff route × every role × own / co-handling / other department, each
 * asserting allow or deny. The expectations are written out here, apart from
 * the code's permission table, so a change to either shows up.
 *
 * The app runs on a clock of its own, so the fixed date below (an extension to
 * 25 March, after the 19 March reply deadline of a complaint filed on the 4th and
 * within the 10 working days an extension may add) holds whatever today is.
 */
const clock = fixedClock('2026-03-04T10:00:00+08:00');
const t = useTestApp({ clock });

type Actor = 'dispatcher' | 'supervisor' | 'admin' | 'handlerLead' | 'handlerCo' | 'handlerOther';
const ACTORS: Actor[] = ['dispatcher', 'supervisor', 'admin', 'handlerLead', 'handlerCo', 'handlerOther'];
const sessions = {} as Record<Actor, StaffSession>;
let boss: StaffSession;

beforeAll(async () => {
  sessions.dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  sessions.supervisor = await staffSession(t.app, t.db, 'supervisor', undefined, clock.now());
  sessions.admin = await staffSession(t.app, t.db, 'admin', undefined, clock.now());
  sessions.handlerLead = await staffSession(t.app, t.db, 'handler', 'enf1', clock.now());
  sessions.handlerCo = await staffSession(t.app, t.db, 'handler', 'environment', clock.now());
  sessions.handlerOther = await staffSession(t.app, t.db, 'handler', 'enf3', clock.now());
  boss = sessions.dispatcher;
});

const OFFICE: Actor[] = ['dispatcher', 'supervisor'];

/** A case assigned to 执法一科 (lead) with 环境管理科 co-handling, advanced to a state. */
async function prepare(state: 'assigned' | 'in_progress' | 'pending_extension' | 'replied' | 'closed') {
  const filed = await fileCase(t.app, t.db);
  const step = async (as: StaffSession, verb: string, body: Record<string, unknown>) => {
    const res = await call(t.app, as, 'POST', `/api/staff/cases/${filed.id}/${verb}`, body);
    if (res.status !== 200) throw new Error(`${verb}: ${res.status} ${await res.text()}`);
    return CaseDetail.parse(await res.json());
  };
  let c = await step(boss, 'assign', { version: 1, leadDepartment: 'enf1', coDepartments: ['environment'] });
  if (state === 'assigned') return { ...filed, version: c.version };
  c = await step(sessions.handlerLead, 'acknowledge', { version: c.version });
  if (state === 'in_progress') return { ...filed, version: c.version };
  if (state === 'pending_extension') {
    c = await step(sessions.handlerLead, 'extend', { version: c.version, reason: '需要协调', newDueAt: new Date(Date.parse(c.replyDueAt) + 86_400_000 * 7).toISOString() });
    return { ...filed, version: c.version };
  }
  c = await step(sessions.handlerLead, 'reply', { version: c.version, text: '已处理' });
  if (state === 'replied') return { ...filed, version: c.version };
  c = await step(boss, 'close', { version: c.version });
  return { ...filed, version: c.version };
}

const VERBS: Array<{ verb: string; state: Parameters<typeof prepare>[0]; body: (c: { version: number }) => Record<string, unknown>; allowed: Actor[] }> = [
  { verb: 'assign', state: 'assigned', body: (c) => ({ version: c.version, leadDepartment: 'enf2' }), allowed: OFFICE },
  { verb: 'acknowledge', state: 'assigned', body: (c) => ({ version: c.version }), allowed: ['handlerLead'] },
  { verb: 'contact', state: 'in_progress', body: (c) => ({ version: c.version, method: 'phone' }), allowed: ['handlerLead', 'handlerCo'] },
  { verb: 'note', state: 'in_progress', body: (c) => ({ version: c.version, text: '备注' }), allowed: [...OFFICE, 'handlerLead', 'handlerCo'] },
  { verb: 'reply', state: 'in_progress', body: (c) => ({ version: c.version, text: '答复' }), allowed: ['handlerLead'] },
  { verb: 'extend', state: 'in_progress', body: (c) => ({ version: c.version, reason: '延期', newDueAt: '2026-03-25T00:00:00+08:00' }), allowed: ['handlerLead'] },
  { verb: 'decide-extension', state: 'pending_extension', body: (c) => ({ version: c.version, approve: true }), allowed: OFFICE },
  { verb: 'close', state: 'replied', body: (c) => ({ version: c.version }), allowed: OFFICE },
  { verb: 'reopen', state: 'closed', body: (c) => ({ version: c.version, reason: '不满意' }), allowed: OFFICE },
  { verb: 'return', state: 'assigned', body: (c) => ({ version: c.version, reason: '非本单位职责' }), allowed: OFFICE },
  { verb: 'priority', state: 'assigned', body: (c) => ({ version: c.version, priority: 'yellow' }), allowed: OFFICE },
  { verb: 'recategorize', state: 'assigned', body: (c) => ({ version: c.version, category: 'peddling' }), allowed: OFFICE },
  { verb: 'relocate', state: 'assigned', body: (c) => ({ version: c.version, station: 'TJN', location: 'front_square' }), allowed: OFFICE },
];

describe('case verbs', () => {
  for (const { verb, state, body, allowed } of VERBS) {
    for (const actor of ACTORS) {
      const allow = allowed.includes(actor);
      it(`${verb} by ${actor}: ${allow ? 'allowed' : 'denied'}`, async () => {
        const c = await prepare(state);
        const res = await call(t.app, sessions[actor], 'POST', `/api/staff/cases/${c.id}/${verb}`, body(c));
        expect(res.status).toBe(allow ? 200 : 403);
        const after = CaseDetail.parse(await (await call(t.app, boss, 'GET', `/api/staff/cases/${c.id}`)).json());
        expect(after.version).toBe(allow ? c.version + 1 : c.version);
      });
    }
  }

  for (const actor of ACTORS) {
    const allow = OFFICE.includes(actor);
    it(`merge by ${actor}: ${allow ? 'allowed' : 'denied'}`, async () => {
      const master = await fileCase(t.app, t.db);
      const c = await prepare('assigned');
      const res = await call(t.app, sessions[actor], 'POST', `/api/staff/cases/${c.id}/merge`, { version: c.version, into: master.trackingCode });
      expect(res.status).toBe(allow ? 200 : 403);
    });
  }
});

describe('reads and entry', () => {
  const READ: Actor[] = ['dispatcher', 'supervisor', 'admin', 'handlerLead', 'handlerCo'];
  const REVEAL: Actor[] = ['dispatcher', 'supervisor', 'handlerLead', 'handlerCo'];
  for (const actor of ACTORS) {
    it(`read a case by ${actor}: ${READ.includes(actor) ? 'allowed' : 'denied'}`, async () => {
      const c = await prepare('assigned');
      expect((await call(t.app, sessions[actor], 'GET', `/api/staff/cases/${c.id}`)).status).toBe(READ.includes(actor) ? 200 : 403);
    });
    it(`reveal contact by ${actor}: ${REVEAL.includes(actor) ? 'allowed' : 'denied'}`, async () => {
      const c = await prepare('assigned');
      const res = await call(t.app, sessions[actor], 'POST', `/api/staff/cases/${c.id}/reveal`);
      expect(res.status).toBe(REVEAL.includes(actor) ? 200 : 403);
      const after = CaseDetail.parse(await (await call(t.app, boss, 'GET', `/api/staff/cases/${c.id}`)).json());
      expect(after.timeline.some((e) => e.type === 'contact_revealed')).toBe(REVEAL.includes(actor));
    });
    it(`queue and dashboard by ${actor}: allowed`, async () => {
      expect((await call(t.app, sessions[actor], 'GET', '/api/staff/cases')).status).toBe(200);
      expect((await call(t.app, sessions[actor], 'GET', '/api/staff/dashboard')).status).toBe(200);
    });
    it(`enter a case by ${actor}: ${OFFICE.includes(actor) ? 'allowed' : 'denied'}`, async () => {
      const res = await call(t.app, sessions[actor], 'POST', '/api/staff/cases', {
        channel: 'phone',
        receivedAt: new Date(clock.now().getTime() - 60_000).toISOString(),
        station: 'TJN',
        kind: 'consult',
        category: 'signage',
        description: '请问南站出租车在哪里排队',
        phone: '13900001111',
      });
      expect(res.status).toBe(OFFICE.includes(actor) ? 201 : 403);
    });
  }

  it('every staff route refuses a caller with no session', async () => {
    const c = await prepare('assigned');
    const routes: Array<[string, string]> = [
      ['GET', '/api/staff/me'],
      ['GET', '/api/staff/cases'],
      ['GET', '/api/staff/dashboard'],
      ['GET', `/api/staff/cases/${c.id}`],
      ['POST', '/api/staff/cases'],
      ['POST', `/api/staff/cases/${c.id}/reveal`],
      ['DELETE', '/api/staff/session'],
      ...VERBS.map((v) => ['POST', `/api/staff/cases/${c.id}/${v.verb}`] as [string, string]),
      ['POST', `/api/staff/cases/${c.id}/merge`],
    ];
    for (const [method, path] of routes) {
      const res = await t.app.request(path, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });
});
