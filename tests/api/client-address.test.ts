import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { loadConfig } from '../../api/config.ts';
import { clientAddress } from '../../api/http/client-address.ts';
import { silentLogger } from '../../api/logger.ts';
import type { DbHandle } from '../../db/client.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { makeCaseBody } from '../helpers/factories.ts';

describe('clientAddress', () => {
  it('is the socket peer when no proxy is trusted, whatever the header says', () => {
    expect(clientAddress('198.51.100.7', '10.0.0.2', 0)).toBe('10.0.0.2');
  });

  it('takes the entry the trusted proxy appended, not the one the client wrote', () => {
    // The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended what it saw.
    expect(clientAddress('1.2.3.4, 203.0.113.9', '10.0.0.2', 1)).toBe('203.0.113.9');
    expect(clientAddress('203.0.113.9', '10.0.0.2', 1)).toBe('203.0.113.9');
  });

  it('counts N hops from the right behind N trusted proxies', () => {
    expect(clientAddress('6.6.6.6, 203.0.113.9, 10.1.0.1', '10.0.0.2', 2)).toBe('203.0.113.9');
    // Fewer entries than hops: the leftmost one, which a trusted proxy still wrote.
    expect(clientAddress('203.0.113.9', '10.0.0.2', 3)).toBe('203.0.113.9');
  });

  it('falls back to the socket peer when the header is missing or empty', () => {
    expect(clientAddress(undefined, '10.0.0.2', 1)).toBe('10.0.0.2');
    expect(clientAddress(' , ', '10.0.0.2', 1)).toBe('10.0.0.2');
  });
});

describe('TRUST_PROXY', () => {
  it('reads a number of hops, and true/yes as one', () => {
    expect(loadConfig({}).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'yes' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(0);
  });

  it('refuses anything else at start, naming the variable', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'sometimes' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: '1.5' })).toThrow(/TRUST_PROXY/);
  });
});

/**
 * Over real HTTP, as the Node server wires it: behind one trusted proxy, a
 * client that rotates the X-Forwarded-For it sends still spends one budget.
 */
describe('rate limits behind a trusted proxy', () => {
  let handle: DbHandle;
  let server: ReturnType<typeof serve>;
  let base: string;

  beforeAll(async () => {
    handle = await openTestDatabase();
    const config = loadConfig({ INTAKE_RATE_LIMIT: '2', TRUST_PROXY: '1' });
    const app = createApp({
      config,
      logger: silentLogger,
      database: () => handle.db,
      clientIp: (c) => clientAddress(c.req.header('x-forwarded-for'), getConnInfo(c).remote.address, config.trustProxy),
    });
    server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await handle?.close();
  });

  const file = (forwardedFor: string) =>
    fetch(`${base}/api/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify(makeCaseBody()),
    });

  it('charges the address the proxy appended, whatever the client put before it', async () => {
    // Addresses of this run's own: the budgets are kept in the database, which a rerun on PostgreSQL keeps.
    const run = crypto.randomUUID().slice(0, 4);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await file(`192.0.2.${10 + i}, 2001:db8::${run}:23`)).status);
    expect(statuses).toEqual([201, 201, 429, 429]);
    // Another traveler behind the same proxy has a budget of their own.
    expect((await file(`2001:db8::${run}:24`)).status).toBe(201);
  });
});
