import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectPostgres, type DbHandle } from '../../db/client.ts';
import { openPglite } from '../../db/pglite.ts';
import { cases, outbox } from '../../db/schema.ts';
import { startFakeTwilio } from '../fakes/twilio-api.ts';
import { onPostgres } from '../helpers/db.ts';
import { json, makeCaseBody } from '../helpers/factories.ts';
import { freePort, ownPostgresDatabase, startServerProcess } from '../helpers/server-process.ts';

/*
 * `npm start` stopped by SIGTERM (a container stop, a deploy) while it sends an
 * SMS: it takes no new connections, lets the send finish and records it, then
 * closes the database and exits 0. A send that outlasts SHUTDOWN_TIMEOUT_MS is
 * left to the next start, and the process still ends.
 */

const SID = 'AC00000000000000000000000000000055';
const TOKEN = 'shutdown-token';
const dir = mkdtempSync(join(tmpdir(), 'hotline-shutdown-'));
const servers: Array<ReturnType<typeof startServerProcess>> = [];
let twilio: Awaited<ReturnType<typeof startFakeTwilio>>;

/**
 * Twilio behind a gate: each send reaches the fake only when the test opens the
 * gate, so the test decides how long the server's delivery is in flight.
 */
async function gatedTwilio() {
  const held: Array<() => void> = [];
  let arrived!: () => void;
  const firstArrival = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const forward = async () => {
        const answer = await fetch(`${twilio.url}${req.url}`, {
          method: req.method,
          headers: { authorization: req.headers.authorization ?? '', 'content-type': req.headers['content-type'] ?? '' },
          ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
        });
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(await answer.text());
      };
      if (req.method !== 'POST') return void forward();
      held.push(() => void forward());
      arrived();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    firstArrival,
    open: () => {
      for (const send of held.splice(0)) send();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The database the child used, opened after it exited (an embedded one takes one process at a time). */
async function openAfter(env: Record<string, string>): Promise<DbHandle> {
  return env.DATABASE_URL ? connectPostgres(env.DATABASE_URL, { max: 1 }) : openPglite({ dataDir: env.DATA_DIR! });
}

/** The server's own database: its scheduler sweeps and delivers every row, so never the shared one. */
const drops: Array<() => Promise<void>> = [];
async function databaseEnv(name: string): Promise<Record<string, string>> {
  if (!onPostgres()) return { DATA_DIR: join(dir, name) };
  const own = await ownPostgresDatabase(inject('databaseUrl'), `shutdown_${name}`);
  drops.push(own.drop);
  return { DATABASE_URL: own.url };
}

beforeAll(async () => {
  twilio = await startFakeTwilio(SID, TOKEN);
});
afterEach(() => {
  for (const s of servers.splice(0)) s.kill();
});
afterAll(async () => {
  await twilio.close();
  for (const drop of drops) await drop();
  rmSync(dir, { recursive: true, force: true });
});

async function serverWithGatedSms(name: string, extra: Record<string, string>) {
  const gate = await gatedTwilio();
  const port = await freePort();
  const env = {
    ...(await databaseEnv(name)),
    PORT: String(port),
    SEED_DEMO: '0',
    LOG_LEVEL: 'info',
    PUBLIC_BASE_URL: 'https://hotline.example.org',
    TWILIO_ACCOUNT_SID: SID,
    TWILIO_AUTH_TOKEN: TOKEN,
    TWILIO_FROM: '+15005550006',
    TWILIO_API_BASE_URL: gate.url,
    PROVIDER_TIMEOUT_MS: '120000',
    ...extra,
  };
  const server = startServerProcess(env);
  servers.push(server);
  await server.waitFor(/Station Hotline is running/);
  const base = `http://127.0.0.1:${port}`;
  // A citizen files a case: its SMS receipt goes to the outbox and the delivery loop picks it up.
  const body = makeCaseBody();
  const filed = await fetch(`${base}/api/cases`, json(body));
  expect(filed.status).toBe(201);
  const { trackingCode } = (await filed.json()) as { trackingCode: string };
  await gate.firstArrival;
  return { gate, server, base, env, trackingCode };
}

async function receiptOf(env: Record<string, string>, trackingCode: string) {
  const handle = await openAfter(env);
  try {
    const [c] = await handle.db.select({ id: cases.id }).from(cases).where(eq(cases.trackingCode, trackingCode));
    return (await handle.db.select().from(outbox).where(eq(outbox.caseId, c!.id))).filter((m) => m.channel === 'sms');
  } finally {
    await handle.close();
  }
}

describe('graceful shutdown of the Node server', () => {
  it('on SIGTERM stops taking requests, lets the send under way finish, then closes the database', { timeout: 300_000 }, async () => {
    const { gate, server, base, env, trackingCode } = await serverWithGatedSms('graceful', { SHUTDOWN_TIMEOUT_MS: '120000' });
    try {
      server.child.kill('SIGTERM');
      await server.waitFor(/shutting down/);
      // No new connections: the listening socket is closed.
      await expect(fetch(`${base}/api/health`)).rejects.toThrow();
      // The send is still in flight, so the process is still here.
      expect(server.child.exitCode).toBeNull();
      gate.open();
      const { code } = await server.exited;
      expect(code, server.output()).toBe(0);
      const messages = server.logLines().map((l) => l.msg);
      expect(messages).toContain('stopped');
      expect(messages).not.toContain('shutdown: work still under way after the timeout; leaving it to the next start');
      // The send finished and was recorded before the database closed.
      const [sms] = await receiptOf(env, trackingCode);
      expect(sms).toMatchObject({ status: 'sent', provider: 'twilio' });
      expect(sms!.providerMessageId).toMatch(/^SM/);
    } finally {
      await gate.close();
    }
  });

  it('gives up waiting after SHUTDOWN_TIMEOUT_MS and still ends, leaving the send to the next start', { timeout: 300_000 }, async () => {
    const { gate, server, env, trackingCode } = await serverWithGatedSms('bounded', { SHUTDOWN_TIMEOUT_MS: '1000' });
    try {
      server.child.kill('SIGTERM');
      const { code } = await server.exited;
      expect(code, server.output()).toBe(1);
      expect(server.logLines().map((l) => l.msg)).toContain('shutdown: work still under way after the timeout; leaving it to the next start');
      // Not lost: still to send (leased, or pending again), never marked sent.
      const [sms] = await receiptOf(env, trackingCode);
      expect(['sending', 'pending', 'failed']).toContain(sms!.status);
    } finally {
      await gate.close();
    }
  });

  it('without providers, on a loopback address (the demo), starts and stops at once', { timeout: 300_000 }, async () => {
    const port = await freePort();
    const server = startServerProcess({ ...(await databaseEnv('demo')), PORT: String(port), SEED_DEMO: '0' });
    servers.push(server);
    await server.waitFor(/Station Hotline is running/);
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
    server.child.kill('SIGINT');
    const { code } = await server.exited;
    expect(code, server.output()).toBe(0);
  });
});
