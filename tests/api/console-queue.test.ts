import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { CaseDetail, QueuePage } from '../../api/routes/staff/schemas.ts';
import { useTestApp } from '../helpers/app.ts';
import { json } from '../helpers/factories.ts';
import { call, fileCase, type StaffSession, staffSession } from '../helpers/staff.ts';

/*
 * The console's queue filters of issue #18: cases with an extension request
 * waiting for its decision (the dashboard's "待审批延期" links here), and cases
 * flagged by a dissatisfied rating, each item carrying its flag for the badge.
 * The database is shared with other files: each test finds its own cases by
 * their tracking codes.
 */
const t = useTestApp();
let dispatcher: StaffSession;
let handler: StaffSession;
let supervisor: StaffSession;

beforeAll(async () => {
  dispatcher = await staffSession(t.app, t.db, 'dispatcher');
  handler = await staffSession(t.app, t.db, 'handler', 'enf1');
  supervisor = await staffSession(t.app, t.db, 'supervisor');
});

async function run(as: StaffSession, id: string, verb: string, body: Record<string, unknown>) {
  const res = await call(t.app, as, 'POST', `/api/staff/cases/${id}/${verb}`, body);
  if (res.status !== 200) throw new Error(`${verb} → ${res.status} ${await res.text()}`);
  return CaseDetail.parse(await res.json());
}

/** Filed on the web, assigned to 执法一科 and acknowledged. */
async function inProgress() {
  const filed = await fileCase(t.app, t.db);
  let c = await run(dispatcher, filed.id, 'assign', { version: filed.version, leadDepartment: 'enf1' });
  c = await run(handler, filed.id, 'acknowledge', { version: c.version });
  return { ...filed, detail: c };
}

/** The codes the queue lists for this query, every page of it, as the given member of staff sees it. */
async function listed(query: string, as = supervisor): Promise<Map<string, QueuePage['items'][number]>> {
  const out = new Map<string, QueuePage['items'][number]>();
  let cursor: string | null = null;
  do {
    const res = await call(t.app, as, 'GET', `/api/staff/cases?${query}&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    const page = QueuePage.parse(await res.json());
    for (const item of page.items) out.set(item.trackingCode, item);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

describe('the queue of pending extensions', () => {
  it('lists a case while its extension request waits, and no longer once it is decided', async () => {
    const waiting = await inProgress();
    const other = await inProgress();
    const asked = await run(handler, waiting.id, 'extend', { version: waiting.detail.version, reason: '需协调', newDueAt: waiting.detail.extensionLatestDueAt });
    expect(asked.extensions[0]?.status).toBe('pending');

    const pending = await listed('pendingExtension=true');
    expect(pending.has(waiting.trackingCode)).toBe(true);
    expect(pending.has(other.trackingCode)).toBe(false);
    // Without the filter both are in the queue.
    const all = await listed(`q=${waiting.trackingCode}`);
    expect(all.has(waiting.trackingCode)).toBe(true);
    // Combined with another filter, as the console's form may send it.
    expect((await listed('pendingExtension=1&priority=normal')).has(waiting.trackingCode)).toBe(true);
    expect((await listed('pendingExtension=1&priority=red')).has(waiting.trackingCode)).toBe(false);
    // A handler of another department sees none of them.
    const elsewhere = await staffSession(t.app, t.db, 'handler', 'enf2');
    expect((await listed('pendingExtension=true', elsewhere)).has(waiting.trackingCode)).toBe(false);

    await run(supervisor, waiting.id, 'decide-extension', { version: asked.version, approve: true });
    expect((await listed('pendingExtension=true')).has(waiting.trackingCode)).toBe(false);
  });

  it('refuses a value that is not yes or no, naming the field', async () => {
    const res = await call(t.app, supervisor, 'GET', '/api/staff/cases?pendingExtension=maybe');
    expect(res.status).toBe(400);
    expect(JSON.stringify(ErrorEnvelope.parse(await res.json()).error.details)).toContain('pendingExtension');
  });
});

describe('flagged cases', () => {
  it('a dissatisfied rating flags the case: the flagged queue lists it with the time of its flag', async () => {
    const c = await inProgress();
    const replied = await run(handler, c.id, 'reply', { version: c.detail.version, text: '已处理' });
    expect(replied.flaggedAt).toBeNull();
    expect((await listed('flagged=true')).has(c.trackingCode)).toBe(false);
    const rated = await t.app.request(`/api/cases/${c.trackingCode}/evaluation`, json({ phone4: c.body.phone.slice(-4), satisfaction: 'dissatisfied', resolved: false }));
    expect(rated.status).toBe(201);

    const flagged = await listed('flagged=true');
    expect(flagged.get(c.trackingCode)?.flaggedAt).toEqual(expect.any(String));
    const detail = CaseDetail.parse(await (await call(t.app, dispatcher, 'GET', `/api/staff/cases/${c.id}`)).json());
    expect(detail.flaggedAt).toBe(flagged.get(c.trackingCode)?.flaggedAt);
    expect(detail.timeline.map((e) => e.type)).toContain('dissatisfied');
  });
});
