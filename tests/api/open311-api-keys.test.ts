import { createHash, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { ApiKey, ApiKeyList, IssuedApiKey } from '../../api/routes/open311/schemas.ts';
import { apiKeys } from '../../db/schema.ts';
import { expectErrorBoth, fetchBoth } from '../contracts/open311/contract.ts';
import { uniquePhone, useTestApp } from '../helpers/app.ts';
import { form } from '../helpers/factories.ts';
import { call, type StaffSession, staffSession } from '../helpers/staff.ts';

/*
 * Admins issue and revoke the keys civic apps file Open311 requests with.
 * Each test issues its own keys (unique names), so a shared database is fine.
 */
const t = useTestApp();
let admin: StaffSession;
let dispatcher: StaffSession;
let supervisor: StaffSession;

beforeAll(async () => {
  admin = await staffSession(t.app, t.db, 'admin');
  dispatcher = await staffSession(t.app, t.db, 'dispatcher');
  supervisor = await staffSession(t.app, t.db, 'supervisor');
});

const KEYS = '/api/staff/admin/api-keys';
const uniqueName = () => `Civic app ${randomUUID()}`;

async function issue(name = uniqueName()) {
  const res = await call(t.app, admin, 'POST', KEYS, { name, owner: 'Open data team <opendata@example.org>' });
  if (res.status !== 201) throw new Error(`issue → ${res.status} ${await res.text()}`);
  return IssuedApiKey.parse(await res.json());
}

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(ErrorEnvelope.parse(await res.json()).error.code).toBe(code);
}

/** A valid Open311 filing carrying `key`. */
const filing = (key: string | undefined) =>
  form({
    ...(key === undefined ? {} : { api_key: key }),
    service_code: 'touting',
    'attribute[station]': 'TJ',
    description: `出站口有人拉客 ${randomUUID()}`,
    phone: uniquePhone(),
  });

describe('issuing a key', () => {
  it('shows the key once, stores only its SHA-256, and lists it without the key', async () => {
    const name = uniqueName();
    const issued = await issue(name);
    expect(issued.key).toMatch(/^o311_[A-Za-z0-9_-]{43}$/);
    expect(issued).toMatchObject({ name, owner: 'Open data team <opendata@example.org>', revokedAt: null, lastUsedAt: null, createdBy: { id: admin.id } });

    const [row] = await t.db.select().from(apiKeys).where(eq(apiKeys.id, issued.id));
    expect(row!.keyHash).toBe(createHash('sha256').update(issued.key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(issued.key);

    const res = await call(t.app, admin, 'GET', KEYS);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(issued.key);
    expect(text).not.toContain(row!.keyHash);
    const listed = ApiKeyList.parse(JSON.parse(text)).items.find((k) => k.id === issued.id);
    expect(listed).toEqual({ id: issued.id, name, owner: issued.owner, createdAt: issued.createdAt, createdBy: issued.createdBy, revokedAt: null, lastUsedAt: null, hourlyQuota: 100 });
  });

  it('files a request with the key and records when it was last used', async () => {
    const issued = await issue();
    const { json } = await fetchBoth<Array<{ service_request_id: string }>>(t.app, '/open311/v2/requests', 'request-created', 'service_requests', () => filing(issued.key));
    // The public id, a UUID: never the case's tracking code.
    expect(json[0]!.service_request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const [row] = await t.db.select().from(apiKeys).where(eq(apiKeys.id, issued.id));
    expect(row!.lastUsedAt).not.toBeNull();
  });

  it('refuses a body with a missing or unknown field', async () => {
    await expectError(await call(t.app, admin, 'POST', KEYS, { name: uniqueName() }), 400, 'invalid_input');
    await expectError(await call(t.app, admin, 'POST', KEYS, { name: uniqueName(), owner: 'x', key: 'o311_chosen' }), 400, 'invalid_input');
  });
});

describe('revoking a key', () => {
  it('refuses it at once with a 403, by POST …/revoke or DELETE, and keeps the row', async () => {
    const first = await issue();
    const revoked = await call(t.app, admin, 'POST', `${KEYS}/${first.id}/revoke`);
    expect(revoked.status).toBe(200);
    const body = ApiKey.parse(await revoked.json());
    expect(body.revokedAt).not.toBeNull();
    const errors = await expectErrorBoth(t.app, '/open311/v2/requests', 403, () => filing(first.key));
    expect(errors).toEqual([{ code: 403, description: expect.any(String) }]);

    // Revoking again changes nothing.
    const again = ApiKey.parse(await (await call(t.app, admin, 'POST', `${KEYS}/${first.id}/revoke`)).json());
    expect(again.revokedAt).toBe(body.revokedAt);

    const second = await issue();
    const deleted = await call(t.app, admin, 'DELETE', `${KEYS}/${second.id}`);
    expect(deleted.status).toBe(200);
    expect((await t.app.request('/open311/v2/requests.json', filing(second.key))).status).toBe(403);
    const [row] = await t.db.select().from(apiKeys).where(eq(apiKeys.id, second.id));
    expect(row!.revokedAt).not.toBeNull();
    expect(row!.revokedBy).toBe(admin.id);
  });

  it('is a 404 for an unknown key and a 400 for a malformed id', async () => {
    await expectError(await call(t.app, admin, 'POST', `${KEYS}/${randomUUID()}/revoke`), 404, 'not_found');
    await expectError(await call(t.app, admin, 'DELETE', `${KEYS}/not-a-uuid`), 400, 'invalid_input');
  });
});

describe('who may', () => {
  it('lets only admins list, issue or revoke; others get 403, strangers 401', async () => {
    const issued = await issue();
    for (const who of [dispatcher, supervisor]) {
      await expectError(await call(t.app, who, 'GET', KEYS), 403, 'forbidden');
      await expectError(await call(t.app, who, 'POST', KEYS, { name: uniqueName(), owner: 'x' }), 403, 'forbidden');
      await expectError(await call(t.app, who, 'POST', `${KEYS}/${issued.id}/revoke`), 403, 'forbidden');
      await expectError(await call(t.app, who, 'DELETE', `${KEYS}/${issued.id}`), 403, 'forbidden');
    }
    await expectError(await t.app.request(KEYS), 401, 'unauthorized');
    // A write without the CSRF token is refused even for an admin.
    const noCsrf = await t.app.request(KEYS, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: uniqueName(), owner: 'x' }),
    });
    await expectError(noCsrf, 403, 'forbidden');
    const [row] = await t.db.select().from(apiKeys).where(eq(apiKeys.id, issued.id));
    expect(row!.revokedAt).toBeNull();
  });

  it('refuses a filing without a key, or with a made-up one, with 403 in both formats', async () => {
    expect(await expectErrorBoth(t.app, '/open311/v2/requests', 403, () => filing(undefined))).toEqual([{ code: 403, description: expect.stringContaining('api_key') }]);
    expect(await expectErrorBoth(t.app, '/open311/v2/requests', 403, () => filing('o311_made-up-key'))).toEqual([{ code: 403, description: expect.stringContaining('api_key') }]);
    expect(await expectErrorBoth(t.app, '/open311/v2/requests', 403, () => filing('something else'))).toHaveLength(1);
  });
});
