import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { IssuedApiKey } from '../../api/routes/open311/schemas.ts';
import { CaseDetail } from '../../api/routes/staff/schemas.ts';
import type { Db } from '../../db/client.ts';
import { cases } from '../../db/schema.ts';
import { form } from '../helpers/factories.ts';
import { call, type StaffSession } from '../helpers/staff.ts';

/*
 * What the Open311 client tests share: a key of their own, filing as a client
 * sends it, and the case behind a public id. Every case is filed with unique
 * words and read back by its own ids, so the files run beside others on a
 * shared database.
 */
export const V2 = '/open311/v2';

type Fetcher = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };

export async function issueKey(app: Fetcher, admin: StaffSession, extra: Record<string, unknown> = {}) {
  const name = `Client ${randomUUID().slice(0, 8)}`;
  const res = await call(app, admin, 'POST', '/api/staff/admin/api-keys', { name, owner: 'tests', ...extra });
  if (res.status !== 201) throw new Error(`issue key → ${res.status} ${await res.text()}`);
  return IssuedApiKey.parse(await res.json());
}

/** A request as FixMyStreet sends one without the user's phone: form-encoded, jurisdiction_id, name split in two. */
export const fmsFields = (apiKey: string, fields: Record<string, string> = {}): Record<string, string> => ({
  api_key: apiKey,
  jurisdiction_id: 'station-hotline',
  service_code: 'touting',
  'attribute[station]': 'TJ',
  description: `出站口有人拉客 ${randomUUID()}`,
  first_name: 'Alex',
  last_name: 'Doe',
  email: `fms-${randomUUID()}@example.org`,
  ...fields,
});

export async function fileRequest(app: Fetcher, fields: Record<string, string>, format: 'json' | 'xml' = 'json') {
  const res = await app.request(`${V2}/requests.${format}`, form(fields));
  const text = await res.text();
  if (res.status !== 200) throw new Error(`file → ${res.status} ${text}`);
  return format === 'json' ? (JSON.parse(text) as Array<{ service_request_id: string }>)[0]!.service_request_id : /<service_request_id>([^<]+)</.exec(text)![1]!;
}

export async function caseOf(db: Db, publicId: string) {
  const [row] = await db.select().from(cases).where(eq(cases.publicId, publicId));
  if (!row) throw new Error(`no case ${publicId}`);
  return row;
}

export async function staffDetail(app: Fetcher, as: StaffSession, caseId: string) {
  const res = await call(app, as, 'GET', `/api/staff/cases/${caseId}`);
  if (res.status !== 200) throw new Error(`detail → ${res.status} ${await res.text()}`);
  return CaseDetail.parse(await res.json());
}

/** Runs a staff verb on the case behind a public id at its current version. */
export async function verb(app: Fetcher, db: Db, as: StaffSession, publicId: string, name: string, body: Record<string, unknown> = {}) {
  const row = await caseOf(db, publicId);
  const res = await call(app, as, 'POST', `/api/staff/cases/${row.id}/${name}`, { version: row.version, ...body });
  if (res.status !== 200) throw new Error(`${name} → ${res.status} ${await res.text()}`);
  return CaseDetail.parse(await res.json());
}
