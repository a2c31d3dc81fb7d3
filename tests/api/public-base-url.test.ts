import { describe, expect, it, vi } from 'vitest';
import { loadConfig, publicBaseUrlProblem } from '../../api/config.ts';
import { runScript } from '../helpers/child.ts';

/*
 * Without PUBLIC_BASE_URL the service checks Twilio's signatures against
 * http://127.0.0.1:8787 and writes that address into every message: SMS stops
 * with 403s and links point nowhere. With a provider configured (or on
 * Workers) that must stop the start, or refuse the providers' calls, naming
 * the variable; the demo (no provider, on Node) keeps its loopback default.
 */

const PROVIDERS: Record<string, Record<string, string>> = {
  twilio: { TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000077', TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM: '+15005550006' },
  'twilio webhooks only': { TWILIO_AUTH_TOKEN: 'token' },
  resend: { RESEND_API_KEY: 're_test', RESEND_FROM: 'office@example.org' },
  'resend webhooks': { RESEND_WEBHOOK_SECRET: 'whsec_dGVzdA==' },
  '12345 feed': { FEED_12345_SECRET: 'a shared secret of the platform' },
};
const LOOPBACKS = [undefined, 'http://127.0.0.1:8787', 'http://localhost:8787/', 'http://[::1]:8787', 'http://0.0.0.0', 'https://127.0.0.2'];

describe('publicBaseUrlProblem', () => {
  it('on Node, leaves the demo alone: no provider, loopback or unset', () => {
    for (const url of LOOPBACKS) expect(publicBaseUrlProblem(loadConfig(url ? { PUBLIC_BASE_URL: url } : {}), 'node'), url).toBeUndefined();
  });

  it('on Node, names PUBLIC_BASE_URL and the provider when one is configured', () => {
    for (const [name, env] of Object.entries(PROVIDERS)) {
      for (const url of LOOPBACKS) {
        const problem = publicBaseUrlProblem(loadConfig({ ...env, ...(url ? { PUBLIC_BASE_URL: url } : {}) }), 'node');
        expect(problem, `${name} ${url}`).toContain('PUBLIC_BASE_URL');
        expect(problem, `${name} ${url}`).toMatch(/TWILIO_AUTH_TOKEN|RESEND_API_KEY|RESEND_WEBHOOK_SECRET|FEED_12345_SECRET/);
      }
      expect(publicBaseUrlProblem(loadConfig({ ...env, PUBLIC_BASE_URL: 'https://hotline.example.org' }), 'node'), name).toBeUndefined();
    }
  });

  it('on Workers, always wants a public address', () => {
    for (const url of LOOPBACKS) expect(publicBaseUrlProblem(loadConfig(url ? { PUBLIC_BASE_URL: url } : {}), 'worker'), url).toContain('PUBLIC_BASE_URL');
    expect(publicBaseUrlProblem(loadConfig({ PUBLIC_BASE_URL: 'https://hotline.example.org' }), 'worker')).toBeUndefined();
  });
});

describe('the Worker', () => {
  /** A fresh isolate with these bindings (the Worker keeps one app per isolate), its log lines caught. */
  async function isolate(vars: Record<string, string>) {
    vi.resetModules();
    const worker = (await import('../../workers/worker.ts')).default;
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    // A database that cannot be reached: a refused call must not need it.
    const env = { LOG_LEVEL: 'info', ...vars, HYPERDRIVE: { connectionString: 'postgres://u:p@127.0.0.1:9/none' }, OUTBOX_QUEUE: { send: async () => {} }, ASSETS: {} };
    const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} };
    return {
      lines,
      fetch: async (path: string, init: RequestInit = { method: 'POST', body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }) => {
        const res = await worker.fetch(new Request(`https://hotline.example.org${path}`, init) as never, env as never, ctx as never);
        return res as unknown as Response;
      },
      restore: () => log.mockRestore(),
    };
  }

  it('answers the providers’ calls with 503 and logs an error naming PUBLIC_BASE_URL when it is unset', async () => {
    const w = await isolate(PROVIDERS.twilio!);
    try {
      for (const path of ['/webhooks/twilio/sms', '/webhooks/twilio/status', '/webhooks/resend', '/feeds/12345/orders', '/feeds/12345/events']) {
        const res = await w.fetch(path);
        expect(res.status, path).toBe(503);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('unavailable');
        expect(body.error.message).toContain('PUBLIC_BASE_URL');
      }
      const errors = w.lines.map((l) => JSON.parse(l) as { level: string; msg: string; problem?: string }).filter((l) => l.level === 'error');
      expect(errors).toHaveLength(5);
      for (const e of errors) expect(`${e.msg} ${e.problem}`).toContain('PUBLIC_BASE_URL');
    } finally {
      w.restore();
    }
  });

  it('passes the calls on once PUBLIC_BASE_URL is public (here to a signature check that refuses an unsigned one)', async () => {
    const w = await isolate({ ...PROVIDERS.twilio!, PUBLIC_BASE_URL: 'https://hotline.example.org' });
    try {
      const res = await w.fetch('/webhooks/twilio/sms');
      expect(res.status).toBe(403);
      expect(w.lines.join('\n')).not.toContain('provider call refused');
    } finally {
      w.restore();
    }
  });
});

describe('the Node server', () => {
  it('refuses to start with a provider and no public address, naming the variable', { timeout: 300_000 }, async () => {
    for (const env of [PROVIDERS.twilio!, { ...PROVIDERS['12345 feed']!, PUBLIC_BASE_URL: 'http://localhost:8787' }]) {
      // Nothing else is needed: the check comes before the database is opened.
      const run = await runScript('workers/node.ts', [], { ...env, DATA_DIR: '/nonexistent/never-created', PORT: '1' });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('PUBLIC_BASE_URL');
      expect(run.stdout).not.toContain('Station Hotline is running');
    }
  });
});
