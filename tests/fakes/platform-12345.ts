import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import type { Clock } from '../../api/context.ts';
import { mobileSequence } from '../helpers/phones.ts';

/*
 * A local stand-in for a city's 12345 platform, on both sides of the feed:
 * `signedPush` signs requests as the platform would, and `startFakePlatform`
 * receives our callbacks and checks their signatures. Both sign with
 * node:crypto, independently of the WebCrypto code under test, so a mistake
 * made the same way on both sides cannot pass unnoticed.
 */

/** The X-Signature header for a body at a time (unix seconds). */
export function signature(secret: string, body: string, at: Date | number): string {
  const t = typeof at === 'number' ? at : Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

interface Requester {
  request(path: string, init: RequestInit): Response | Promise<Response>;
}

/**
 * POSTs a body to the feed, signed with `secret` at the clock's time (or `at`).
 * Pass `signature: null` to send none, or a string to send that instead.
 */
export function signedPush(
  app: Requester,
  secret: string,
  body: unknown,
  clock: Clock,
  options: { path?: string; at?: Date | number; signature?: string | null; headers?: Record<string, string> } = {},
): Promise<Response> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const header = options.signature === undefined ? signature(secret, raw, options.at ?? clock.now()) : options.signature;
  return Promise.resolve(
    app.request(options.path ?? '/feeds/12345/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(header === null ? {} : { 'x-signature': header }), ...options.headers },
      body: raw,
    }),
  );
}

export interface ReceivedCallback {
  headers: IncomingHttpHeaders;
  body: string;
  payload: Record<string, unknown> | undefined;
  idempotencyKey: string | undefined;
  /** The signature checked out (MAC and freshness); unsigned or bad ones were answered 401. */
  verified: boolean;
  status: number;
}

export interface FakePlatform {
  url: string;
  /** Every request received, in order, including refused ones. */
  received: ReceivedCallback[];
  /** The callbacks accepted (2xx), each idempotency key once. */
  accepted(): ReceivedCallback[];
  /**
   * Every callback received about one order, in order of arrival, as the real
   * platform records them: a retry is received again (only the Idempotency-Key
   * tells it apart), so a test of "sent once" must look at the keys.
   */
  callbacksFor(orderNo: string): ReceivedCallback[];
  /** Answer the next n requests with this status (default 500) instead of taking them; 0 = never answer. */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

/** A 12345 platform on 127.0.0.1 (a free port) that verifies and records our callbacks. */
export async function startFakePlatform(options: { secret: string; now?: () => Date; toleranceSeconds?: number }): Promise<FakePlatform> {
  const received: ReceivedCallback[] = [];
  const failures: number[] = [];
  const seen = new Set<string>();
  const tolerance = options.toleranceSeconds ?? 300;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const verified = verify(options.secret, req.headers['x-signature'], body, options.now?.() ?? new Date(), tolerance);
      const idempotencyKey = header(req.headers['idempotency-key']);
      let payload: Record<string, unknown> | undefined;
      try {
        payload = JSON.parse(body) as Record<string, unknown>;
      } catch {
        payload = undefined;
      }
      const forced = failures.length ? failures.shift() : undefined;
      const status = forced ?? (!verified ? 401 : req.method !== 'POST' || !payload ? 400 : 200);
      received.push({ headers: req.headers, body, payload, idempotencyKey, verified, status });
      if (status === 0) return; // told to hang: never answer
      res.writeHead(status, { 'content-type': 'application/json' });
      if (status === 200) {
        const duplicate = idempotencyKey !== undefined && seen.has(idempotencyKey);
        if (idempotencyKey) seen.add(idempotencyKey);
        res.end(JSON.stringify({ id: `cb-${received.length}`, duplicate }));
      } else res.end(JSON.stringify({ error: status === 401 ? 'bad signature' : 'failed' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callbacks`,
    received,
    accepted() {
      const keys = new Set<string>();
      return received.filter((r) => {
        if (r.status !== 200 || !r.idempotencyKey || keys.has(r.idempotencyKey)) return false;
        keys.add(r.idempotencyKey);
        return true;
      });
    },
    callbacksFor(orderNo) {
      return received.filter((r) => r.payload?.orderNo === orderNo);
    },
    failNext(n, status = 500) {
      for (let i = 0; i < n; i++) failures.push(status);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

function verify(secret: string, value: string | string[] | undefined, body: string, now: Date, tolerance: number): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header(value) ?? '');
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs(now.getTime() / 1000 - t) > tolerance) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'));
}

let orderSeq = 0;
const runTag = `${Date.now().toString(36)}${process.pid.toString(36)}`.toUpperCase();

/** A unique order number for this run, so tests on a shared database find their own orders. */
export function uniqueOrderNo(prefix = 'T'): string {
  orderSeq++;
  return `${prefix}${runTag}${String(orderSeq).padStart(5, '0')}${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
}

/** A valid mainland mobile number, different for each order (138, apart from the citizens' 139). */
export const orderPhone = mobileSequence('138');

/** A valid 12345 order with unique number, phone and content. */
export function makeOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> & { orderNo: string } {
  const orderNo = (overrides.orderNo as string | undefined) ?? uniqueOrderNo();
  return {
    orderNo,
    receivedAt: '2026-03-05T09:50:00+08:00',
    dispatchedAt: '2026-03-05T10:00:00+08:00',
    callerName: '张先生',
    callerPhone: orderPhone(),
    content: `天津站出站口有人拉客，要价很高 ${orderNo}`,
    kind: 'complaint',
    category: 'touting',
    address: '天津站前广场东侧出站口',
    urgency: 'normal',
    dueAt: '2026-03-12T18:00:00+08:00',
    station: 'TJ',
    ...overrides,
  };
}

/** A platform event about an order (POST /feeds/12345/events), `at` a minute before `now` unless given. */
export function makeEvent(orderNo: string, type: string, now: Date, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { orderNo, type, at: new Date(now.getTime() - 60_000).toISOString(), ...overrides };
}

/**
 * A fake platform for a test file, started before the test app is built (call it
 * before `useTestApp({ env: fake.env })`), so the app's configured callback URL
 * is the fake's; closed after the file.
 */
export function useFakePlatform(secret: string, clock: { now(): Date }): { env: Record<string, string>; readonly platform: FakePlatform } {
  const env: Record<string, string> = { FEED_12345_SECRET: secret };
  let started: FakePlatform | undefined;
  beforeAll(async () => {
    started = await startFakePlatform({ secret, now: () => clock.now() });
    env.FEED_12345_CALLBACK_URL = started.url;
  });
  afterAll(async () => {
    await started?.close();
  });
  return {
    env,
    get platform() {
      if (!started) throw new Error('the fake 12345 platform starts in beforeAll');
      return started;
    },
  };
}
