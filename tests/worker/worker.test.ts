import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import type { Ctx } from '../../api/context.ts';
import { silentLogger } from '../../api/logger.ts';
import { runScheduledJobs } from '../../workers/jobs/index.ts';
import worker, { type WorkerEnv } from '../../workers/worker.ts';

/**
 * The Worker as Cloudflare runs it: workerd, wrangler.toml's bindings, and the
 * machine's PostgreSQL behind the Hyperdrive binding. Requests go through the
 * real default export (exports.default), not through createApp directly.
 */
// Without a PostgreSQL server the database tests skip; global-setup.ts prints why.
const { skipReason, hyperdriveUrl } = inject('workerDatabase');

const BASE = 'http://hotline.test';
const call = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`${BASE}${path}`, { redirect: 'manual', ...init }));

/**
 * Distinct mainland mobiles without the wall clock: a random block of 10,000 per
 * run (workerd has no process ids to key on), walked by a counter, so reruns on a
 * shared database rarely meet and two calls in one run never do.
 */
const phoneBlock = crypto.getRandomValues(new Uint32Array(1))[0]! % 10_000;
let phoneCount = 0;
function uniquePhone(): string {
  return `139${String(phoneBlock).padStart(4, '0')}${String(phoneCount++).padStart(4, '0')}`;
}

describe.skipIf(Boolean(skipReason))('worker on PostgreSQL via Hyperdrive', () => {
  it('points Hyperdrive at the database global-setup migrated', () => {
    const { HYPERDRIVE } = env as WorkerEnv;
    expect(HYPERDRIVE.database).toBe(new URL(hyperdriveUrl).pathname.slice(1));
  });

  it('answers health with the database reachable', async () => {
    const res = await call('/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'ok' });
  });

  it('files a case as JSON and shows it without personal data', async () => {
    const phone = uniquePhone();
    const name = 'Worker Testperson';
    const email = 'worker.test@example.com';
    const created = await call('/api/cases', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.7' },
      body: JSON.stringify({
        station: 'TJ',
        kind: 'complaint',
        category: 'illegal_taxi',
        description: '前广场出站口有人拉客 (worker test)',
        phone,
        name,
        email,
      }),
    });
    expect(created.status).toBe(201);
    const { trackingCode } = (await created.json()) as { trackingCode: string };
    expect(trackingCode).toMatch(/^[A-Z0-9]{6,}$/);

    const found = await call(`/api/cases/${trackingCode}?phone4=${phone.slice(-4)}`);
    expect(found.status).toBe(200);
    const text = await found.text();
    expect(JSON.parse(text)).toMatchObject({ trackingCode, status: 'new' });
    for (const secret of [phone, phone.slice(-8), name, email]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/"(phone|email|reporter\w*)"\s*:/i);
  });

  it('redirects a form post to the receipt page', async () => {
    const res = await call('/api/cases', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': '203.0.113.8' },
      body: new URLSearchParams({
        station: 'TJ',
        kind: 'complaint',
        category: 'touting',
        description: '出站口拉客 (worker form test)',
        phone: uniquePhone(),
      }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/report\/done\?code=[A-Z0-9]+$/);
  });

  it('runs the cron handler', async () => {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '* * * * *' }), env as WorkerEnv, ctx);
    await waitOnExecutionContext(ctx);
  });

  it('acks outbox queue messages while no consumer is registered', async () => {
    const ctx = createExecutionContext();
    const batch = createMessageBatch('station-hotline-outbox', [{ id: 'm1', timestamp: Date.now(), attempts: 1, body: { outboxId: 1 } }]);
    await worker.queue(batch, env as WorkerEnv, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(['m1']);
    expect(result.retryMessages).toEqual([]);
  });
});

// The registry itself needs no database: it is plain code shared with Node.
describe('job registry', () => {
  const ctx = { logger: silentLogger, requestId: 'test' } as Ctx;

  it('runs the jobs due on a cron, and the rest even when one fails', async () => {
    const ran: string[] = [];
    const registry = {
      sweep: { run: async () => void ran.push('sweep') },
      broken: { run: async () => Promise.reject(new Error('boom')) },
      nightly: { crons: ['0 3 * * *'], run: async () => void ran.push('nightly') },
      outbox: { crons: ['* * * * *'], run: async () => void ran.push('outbox') },
    };
    await expect(runScheduledJobs(ctx, '* * * * *', registry)).rejects.toThrow(AggregateError);
    expect(ran).toEqual(['sweep', 'outbox']);
    expect(await runScheduledJobs(ctx, '0 3 * * *', { nightly: registry.nightly })).toEqual(['nightly']);
  });
});
