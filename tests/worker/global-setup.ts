import { execFile } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import twilio from 'twilio';
import type { TestProject } from 'vitest/node';
import { makeOrder } from '../fakes/platform-12345.ts';
import { WORKER_TEST_ENV } from './env.ts';

export interface WorkerDatabase {
  /** Why the worker tests skip, or '' when the database is ready. */
  skipReason: string;
  /** The target URL with a password, as Hyperdrive requires one. */
  hyperdriveUrl: string;
  /** What the tests need made in Node (the twilio package and node:crypto do not run in workerd). */
  fixtures?: WorkerFixtures;
}

export interface WorkerFixtures {
  /** A dispatcher of this run's own (prepare-db.ts). */
  staff: { email: string; password: string };
  /** An inbound SMS as Twilio posts it, signed by the official twilio package. */
  twilioSms: { params: Record<string, string>; signature: string };
  /** A 12345 order push of this run's own (the test signs it when it sends it: a signature is good for 5 minutes). */
  feedPush: { body: string; orderNo: string };
}

declare module 'vitest' {
  export interface ProvidedContext {
    workerDatabase: WorkerDatabase;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';
/** Any password does under trust auth; Hyperdrive only insists that there is one. */
const DUMMY_PASSWORD = 'hotline';

export function withPassword(url: string): string {
  const parsed = new URL(url);
  if (!parsed.password) parsed.password = DUMMY_PASSWORD;
  return parsed.toString();
}

/**
 * '' when a PostgreSQL server answers within 2 s, else why not. A bare TCP
 * connect is not enough (sandbox proxies accept any connection), so this sends
 * the protocol's SSLRequest, which every server answers with one byte, S or N.
 */
function probe(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => done('no answer within 2 s'), 2_000);
    function done(reason: string) {
      clearTimeout(timer);
      socket.destroy();
      resolve(reason);
    }
    socket.once('connect', () => {
      const sslRequest = Buffer.alloc(8);
      sslRequest.writeInt32BE(8, 0);
      sslRequest.writeInt32BE(80877103, 4);
      socket.write(sslRequest);
    });
    socket.once('data', (reply) => done(reply[0] === 0x53 || reply[0] === 0x4e ? '' : 'not a PostgreSQL server'));
    socket.once('end', () => done('connection closed without an answer'));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}

/**
 * Prepares the database in Node before workerd starts (the Worker never
 * migrates). No server at all skips the worker tests with the reason printed;
 * a server that answers but fails to migrate fails the run.
 */
export default async function setup(project: TestProject) {
  // wrangler.toml serves site/dist as assets; an empty directory stands in when
  // the site has not been built, so the Worker still starts.
  mkdirSync(`${root}/site/dist`, { recursive: true });

  const url = process.env.DATABASE_URL || DEFAULT_URL;
  const { hostname, port } = new URL(url);
  const hyperdriveUrl = withPassword(url);
  const host = hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const problem = await probe(host, Number(port || 5432));
  if (problem) {
    const skipReason = `no PostgreSQL at ${host}:${port || 5432} (${problem}); start it or set DATABASE_URL`;
    console.warn(`[worker tests] skipping: ${skipReason}`);
    project.provide('workerDatabase', { skipReason, hyperdriveUrl });
    return;
  }
  let prepared: { staff: WorkerFixtures['staff'] };
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'tests/worker/prepare-db.ts', url], {
      cwd: root,
      timeout: 60_000,
    });
    prepared = JSON.parse(stdout.trim().split('\n').pop()!);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`[worker tests] migrating ${host}:${port || 5432} failed:\n${stderr || (err as Error).message}`);
  }
  // The SSR page test needs the built site (a no-op when it is current; the e2e setup runs the same script).
  await promisify(execFile)(process.execPath, ['site/scripts/ensure-built.mjs'], { cwd: root, timeout: 300_000, env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
  project.provide('workerDatabase', { skipReason: '', hyperdriveUrl, fixtures: { staff: prepared.staff, ...signedRequests() } });
}

/** One inbound SMS and one 12345 push, from numbers and an order of this run's own. */
function signedRequests(): Pick<WorkerFixtures, 'twilioSms' | 'feedPush'> {
  const params = {
    MessageSid: `SM${randomUUID().replaceAll('-', '')}`,
    AccountSid: 'AC00000000000000000000000000000000',
    From: `+86137${String(randomInt(0, 100_000_000)).padStart(8, '0')}`,
    To: '+15005550006',
    Body: '北广场出租车拒载 (worker test)',
    NumMedia: '0',
  };
  const sms = { params, signature: twilio.getExpectedTwilioSignature(WORKER_TEST_ENV.TWILIO_AUTH_TOKEN, `${WORKER_TEST_ENV.PUBLIC_BASE_URL}/webhooks/twilio/sms`, params) };
  const order = makeOrder({ orderNo: `W${randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase()}`, callerPhone: `136${String(randomInt(0, 100_000_000)).padStart(8, '0')}` });
  const body = JSON.stringify(order);
  return { twilioSms: sms, feedPush: { body, orderNo: order.orderNo } };
}
