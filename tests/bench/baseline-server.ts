/**
 * Child process: the raw baseline. A bare node:http server and postgres.js
 * (same pool size, prepared statements on), no framework, no validation library,
 * no ORM. It answers the same two routes with the least work that yields an
 * equivalent result:
 *
 *   POST /api/cases         parse JSON, resolve station/category/location codes
 *                           from maps loaded at start, normalise the phone with a
 *                           regex, draw a tracking code, fixed deadline offsets,
 *                           then the service's INSERT: the case, its `created`
 *                           event and the SMS receipt in one CTE statement.
 *                           201 {trackingCode, status, replyDueAt}.
 *   GET /api/cases/{code}   the service's one statement (api/domain/cases/lookup.ts):
 *   ?phone4=NNNN            the case by tracking_code (unique index) with its public
 *                           timeline (json_agg) and whether the reply is rated; check
 *                           phone4. 200 JSON of the public view, 404 otherwise.
 *
 * BENCH_BASELINE_INTAKE=single makes the intake write only the cases row (the
 * columns the service's INSERT names, those the table has): no event, no
 * receipt — the stricter comparison, charging the service for those rows too.
 *
 * Env: BENCH_DATABASE_URL, BENCH_POOL_MAX, BENCH_COUNT_QUERIES=1, BENCH_BASELINE_INTAKE.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { countPgTraffic, runChild } from './child.ts';

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const HOUR = 3600_000;
const BODY_LIMIT = 32 * 1024;

function trackingCode(): string {
  let code = '';
  while (code.length < 10) {
    for (const b of randomBytes(16)) {
      if (b >= 248) continue; // 248 = 256 - 256 % 31: unbiased
      code += ALPHABET[b % 31];
      if (code.length === 10) break;
    }
  }
  return code;
}

const PUBLIC_DATA_KEYS = ['text', 'newDueAt', 'mergedInto', 'reason', 'satisfaction', 'resolved'];

function publicData(data: Record<string, unknown> | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of PUBLIC_DATA_KEYS) if (typeof data?.[key] === 'string') out[key] = data[key] as string;
  return out;
}

/** ISO 8601 in Beijing time, as the service answers. */
function beijing(at: Date): string {
  return `${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

await runChild(async () => {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error('BENCH_DATABASE_URL is not set');
  const poolMax = Number(process.env.BENCH_POOL_MAX ?? 10);
  const cteIntake = process.env.BENCH_BASELINE_INTAKE !== 'single';
  if (process.env.BENCH_COUNT_QUERIES === '1') countPgTraffic(Number(new URL(url).port || 5432));
  const sql = postgres(url, {
    max: poolMax,
    prepare: true,
    fetch_types: true,
    onnotice: () => {},
  });

  // The reference data, once (the service caches it for 30 s; same effect under load).
  const stationRows = await sql<{ id: number; code: string; name_zh: string }[]>`select id, code, name_zh from stations where active`;
  const categoryRows = await sql<{ id: number; code: string; name_zh: string; default_priority: string }[]>`
    select id, code, name_zh, default_priority from categories where active`;
  const locationRows = await sql<{ id: number; station_id: number; code: string; name_zh: string }[]>`
    select id, station_id, code, name_zh from locations where active`;
  // Years whose holidays are published (a holiday or make-up day on the calendar): a deadline in another year is provisional.
  const publishedYears = new Set(
    (await sql<{ year: number }[]>`select distinct extract(year from day)::int as year from calendar_days where kind in ('holiday', 'makeup_workday')`).map((r) => r.year),
  );
  // The year of the Beijing day a deadline ends on (24:00 of 31 December is still December).
  const deadlineYear = (at: Date) => new Date(at.getTime() - 1 + 8 * HOUR).getUTCFullYear();
  // The columns the service's intake writes (api/domain/cases/create.ts); the last
  // three arrived with later migrations, so they are used when the table has them.
  const present = new Set(
    (
      await sql<{ column_name: string }[]>`
      select column_name from information_schema.columns where table_schema = 'public' and table_name = 'cases'`
    ).map((r) => r.column_name),
  );
  const caseColumns = [
    'id',
    'tracking_code',
    'station_id',
    'channel',
    'external_ref',
    'kind',
    'category_id',
    'location_id',
    'description',
    'reporter_phone',
    'reporter_email',
    'reporter_name',
    'reporter_phone4',
    'lang',
    'priority',
    'status',
    'received_at',
    'ack_due_at',
    'contact_due_at',
    'reply_due_at',
    'next_due_at',
    'reply_started_at',
    'next_alert_at',
    'created_at',
    'updated_at',
  ].filter((c) => present.has(c));
  const stations = new Map(stationRows.map((s) => [s.code, s.id]));
  const stationsById = new Map(stationRows.map((s) => [s.id, { code: s.code, name: s.name_zh }]));
  const categories = new Map(categoryRows.map((c) => [c.code, c]));
  const categoriesById = new Map(categoryRows.map((c) => [c.id, { code: c.code, name: c.name_zh }]));
  const locations = new Map(locationRows.map((l) => [`${l.station_id}:${l.code}`, l.id]));
  const locationsById = new Map(locationRows.map((l) => [l.id, { code: l.code, name: l.name_zh }]));

  async function intake(req: http.IncomingMessage, res: http.ServerResponse) {
    const text = await readBody(req);
    if (text === undefined) return send(res, 413, { error: 'too_large' });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return send(res, 400, { error: 'bad_json' });
    }
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : undefined);
    const stationId = stations.get(str('station') ?? '');
    const category = categories.get(str('category') ?? '');
    const locationCode = str('location');
    const locationId = locationCode && stationId !== undefined ? locations.get(`${stationId}:${locationCode}`) : undefined;
    const phoneMatch = /^(?:\+?86)?(1[3-9]\d{9})$/.exec((str('phone') ?? '').replace(/[\s-]/g, ''));
    const description = str('description');
    const kind = str('kind');
    if (stationId === undefined || !category || !phoneMatch || !description || !kind || (locationCode && locationId === undefined)) {
      return send(res, 400, { error: 'invalid_input' });
    }
    const phone = `+86${phoneMatch[1]}`;
    const now = new Date();
    const id = randomUUID();
    const code = trackingCode();
    const lang = str('lang') ?? 'zh-CN';
    const ackDueAt = new Date(now.getTime() + HOUR);
    const replyDueAt = new Date(now.getTime() + 5 * 24 * HOUR);
    const row: Record<string, string | number | Date | null> = {
      id,
      tracking_code: code,
      station_id: stationId,
      channel: 'web',
      external_ref: null,
      kind,
      category_id: category.id,
      location_id: locationId ?? null,
      description,
      reporter_phone: phone,
      reporter_email: str('email') ?? null,
      reporter_name: str('name') ?? null,
      reporter_phone4: phone.slice(-4),
      lang,
      priority: category.default_priority,
      status: 'new',
      received_at: now,
      ack_due_at: ackDueAt,
      contact_due_at: new Date(now.getTime() + 24 * HOUR),
      reply_due_at: replyDueAt,
      next_due_at: ackDueAt,
      reply_started_at: now,
      next_alert_at: ackDueAt,
      created_at: now,
      updated_at: now,
    };
    if (cteIntake) {
      await sql`
        WITH new_case AS (
          INSERT INTO cases ${sql(row, caseColumns)}
          RETURNING id
        ), created_event AS (
          INSERT INTO case_events (case_id, type, at, actor_type, actor_id, is_public, data)
          SELECT id, 'created', ${now}, 'citizen'::actor_type, ${null}, true, ${JSON.stringify({ channel: 'web', receivedAt: now.toISOString() })}::jsonb
          FROM new_case
        ), receipts AS (
          INSERT INTO outbox (channel, recipient, template, lang, payload, idempotency_key, next_attempt_at, case_id)
          SELECT 'sms'::outbox_channel, ${phone}, 'receipt', ${lang},
                 ${JSON.stringify({ trackingCode: code, replyDueAt: replyDueAt.toISOString() })}::jsonb, ${`receipt:sms:${id}`}, ${now}, new_case.id
          FROM new_case
        )
        SELECT id FROM new_case`;
    } else {
      await sql`INSERT INTO cases ${sql(row, caseColumns)}`;
    }
    send(res, 201, { trackingCode: code, status: 'new', replyDueAt: replyDueAt.toISOString() });
  }

  async function lookup(rawCode: string, query: URLSearchParams, res: http.ServerResponse) {
    const phone4 = query.get('phone4') ?? '';
    if (/^\d{4}$/.exec(phone4) === null) return send(res, 400, { error: 'invalid_input' });
    const code = decodeURIComponent(rawCode)
      .toUpperCase()
      .replace(/[\s\-_]/g, '');
    // The service's statement: the case, its public timeline and whether the reply is rated, in one round trip.
    const [row] = await sql<
      {
        id: string;
        tracking_code: string;
        status: string;
        kind: string;
        station_id: number;
        category_id: number;
        location_id: number | null;
        received_at: Date;
        reply_due_at: Date;
        replied_at: Date | null;
        closed_at: Date | null;
        reply_text: string | null;
        reporter_phone4: string | null;
        events: Array<{ type: string; at: string; data: Record<string, unknown> }>;
        rated: boolean;
      }[]
    >`
      SELECT id, tracking_code, status, kind, station_id, category_id, location_id, received_at,
             reply_due_at, replied_at, closed_at, reply_text, reporter_phone4,
             coalesce((
               select json_agg(json_build_object('type', e.type, 'at', e.at, 'data', e.data) order by e.id)
               from case_events e where e.case_id = cases.id and e.is_public), '[]'::json) AS events,
             exists (
               select 1 from evaluations v
               where v.case_id = cases.id and v.source = 'citizen' and v.reply_round = cases.reopen_count) AS rated
      FROM cases WHERE tracking_code = ${code} LIMIT 1`;
    if (!row || row.reporter_phone4 !== phone4) return send(res, 404, { error: 'case_not_found' });
    const events = row.events;
    // The service's public view, field for field: names, +08:00 times, public event data only.
    send(res, 200, {
      trackingCode: row.tracking_code,
      status: row.status,
      kind: row.kind,
      station: stationsById.get(row.station_id) ?? null,
      category: categoriesById.get(row.category_id) ?? null,
      location: row.location_id !== null ? (locationsById.get(row.location_id) ?? null) : null,
      createdAt: beijing(row.received_at),
      replyDueAt: beijing(row.reply_due_at),
      replyDueProvisional: ['new', 'assigned', 'in_progress'].includes(row.status) && row.replied_at === null && !publishedYears.has(deadlineYear(row.reply_due_at)),
      closedAt: row.closed_at ? beijing(row.closed_at) : null,
      reply: row.reply_text !== null && row.replied_at ? { text: row.reply_text, at: beijing(row.replied_at) } : null,
      timeline: events.map((e) => ({ type: e.type, at: beijing(new Date(e.at)), ...publicData(e.data) })),
      canEvaluate: (row.status === 'replied' || row.status === 'closed') && !row.rated,
    });
  }

  const server = http.createServer((req, res) => {
    const [path = '/', search = ''] = (req.url ?? '/').split('?', 2);
    const handle = async () => {
      if (req.method === 'POST' && path === '/api/cases') return intake(req, res);
      const m = req.method === 'GET' ? /^\/api\/cases\/([^/]+)$/.exec(path) : null;
      if (m?.[1]) return lookup(m[1], new URLSearchParams(search), res);
      send(res, 404, { error: 'not_found' });
    };
    handle().catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: 'internal', message: err instanceof Error ? err.message : String(err) });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    info: { kind: 'baseline', poolMax, intake: cteIntake ? 'cte' : 'single', stack: 'node:http + postgres.js (prepared)' },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await sql.end({ timeout: 5 });
    },
  };
});
