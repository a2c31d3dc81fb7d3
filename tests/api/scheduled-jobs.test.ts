import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { providersFor } from '../../api/domain/outbox/providers.ts';
import { caseAlerts, outbox } from '../../db/schema.ts';
import { deadlineSweep } from '../../workers/jobs/deadline-sweep.ts';
import { outboxDeliveryJob } from '../../workers/jobs/deliver-outbox.ts';
import { createScheduler } from '../../workers/scheduler.ts';
import { startFakeTwilio } from '../fakes/twilio-api.ts';
import { fixedClock, jobContext, testConfig, uniquePhone, useTestApp } from '../helpers/app.ts';
import { call, staffSession } from '../helpers/staff.ts';

/*
 * A provider that never answers must not hold up the deadline sweep. The sweep
 * and delivery act on every row: this file has a database of its own. The
 * provider's timeout is an AbortController the test fires, not the wall clock.
 */
const clock = fixedClock('2026-03-02T09:00:00+08:00');
const t = useTestApp({ clock, isolated: true });
const SID = 'AC00000000000000000000000000000003';
let twilio: Awaited<ReturnType<typeof startFakeTwilio>>;

beforeAll(async () => {
  twilio = await startFakeTwilio(SID, 'hang-token', { now: () => clock.now() });
});
afterAll(async () => {
  await twilio.close();
});

const config = () => testConfig({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'hang-token', TWILIO_FROM: '+15005550006', TWILIO_API_BASE_URL: twilio.url });

/** A phone-line case entered by staff (an SMS receipt is queued for it), received at the clock's time. */
async function enterCase() {
  const dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  const res = await call(t.app, dispatcher, 'POST', '/api/staff/cases', {
    channel: 'phone',
    receivedAt: clock.now().toISOString(),
    station: 'TJ',
    kind: 'complaint',
    category: 'touting',
    description: '出站口拉客',
    phone: uniquePhone(),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const alertsOf = (id: string) => t.db.select().from(caseAlerts).where(eq(caseAlerts.caseId, id));

describe('the scheduler with a provider that never answers', () => {
  it('runs the deadline sweep on every tick while delivery hangs', async () => {
    const first = await enterCase();
    twilio.failAfterAccepting('hang', 'hang', 'hang', 'hang');
    const timeUp = new AbortController();
    const budget = new AbortController();
    const sweeps: string[] = [];
    const scheduler = createScheduler(() => ({ ...jobContext(t, clock), config: config() }), {
      registry: {
        'deadline-sweep': {
          run: async (ctx, cron) => {
            sweeps.push(clock.now().toISOString());
            await deadlineSweep.run(ctx, cron);
          },
        },
        'outbox-delivery': outboxDeliveryJob({ providers: (ctx) => providersFor(ctx.config, { timeout: () => timeUp.signal }), budget: () => budget.signal }),
      },
    });

    // Days later every clock of the first case has run out: the tick sweeps, then delivery hangs on Twilio.
    clock.advance(10 * 86_400_000);
    const hanging = scheduler.tick();
    await vi.waitFor(() => expect(twilio.requests.filter((r) => r.method === 'POST').length).toBeGreaterThan(0), { timeout: 60_000, interval: 20 });
    expect(sweeps).toHaveLength(1);
    expect((await alertsOf(first)).length).toBeGreaterThan(0);

    // A minute on, the next tick sweeps again (a case now overdue) although delivery is still waiting.
    clock.advance(60_000);
    const second = await enterCase();
    clock.advance(10 * 86_400_000);
    await scheduler.tick();
    expect(sweeps).toHaveLength(2);
    expect((await alertsOf(second)).length).toBeGreaterThan(0);

    // The provider timeout ends the hung send; the row waits for its next attempt, marked unconfirmed.
    budget.abort();
    timeUp.abort();
    await hanging;
    const [receipt] = await t.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.caseId, first), eq(outbox.channel, 'sms'), eq(outbox.template, 'receipt')));
    expect(receipt!.status).toBe('failed');
    expect(receipt!.unconfirmedSince).not.toBeNull();
  });
});
