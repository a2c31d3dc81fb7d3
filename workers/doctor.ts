import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { type Config, ConfigError, loadConfig, publicBaseUrlProblem } from '../api/config.ts';
import { shanghaiDate } from '../api/domain/deadlines/shanghai-time.ts';
import { publishedCalendarYears } from '../api/domain/health.ts';
import { connectPostgres, type DbHandle } from '../db/client.ts';
import { migrationsFolder } from '../db/migrate.ts';
import { openPglite } from '../db/pglite.ts';
import { rowsOf } from '../db/statement.ts';

/**
 * `npm run doctor`: checks a deployment from its own environment, read-only,
 * one line per check, and exits non-zero when any check fails:
 * the database answers, its migrations are current, the working calendar is
 * published through next year, each configured provider accepts its
 * credentials (Twilio: the account resource; Resend: the domain list), and
 * PUBLIC_BASE_URL answers /api/health. Nothing is written, nothing is sent,
 * and no secret is printed.
 */

type Verdict = 'ok' | 'FAIL' | 'skip';
interface Line {
  verdict: Verdict;
  check: string;
  detail: string;
}

const lines: Line[] = [];
function report(verdict: Verdict, check: string, detail: string) {
  lines.push({ verdict, check, detail });
  console.log(`${verdict.padEnd(4)}  ${check.padEnd(16)} ${detail}`);
}

/** A provider's answer within PROVIDER_TIMEOUT_MS; a network failure becomes a line, not a crash. */
async function get(url: string, headers: Record<string, string>, config: Config): Promise<{ status: number; body: unknown } | { error: string }> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(config.providerTimeoutMs), redirect: 'manual' });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: keep the text out of the report (it could be anything).
      body = undefined;
    }
    return { status: res.status, body };
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string; errors?: Array<{ code?: string }> } };
    if (e.name === 'TimeoutError') return { error: `no answer within ${config.providerTimeoutMs} ms` };
    return { error: e.cause?.code ?? e.cause?.errors?.[0]?.code ?? 'network error' };
  }
}

async function openReadOnly(config: Config): Promise<DbHandle | undefined> {
  if (config.databaseUrl) {
    const handle = connectPostgres(config.databaseUrl, { max: 1 });
    try {
      const started = performance.now();
      await handle.db.execute(sql`select 1`);
      report('ok', 'database', `PostgreSQL answered in ${Math.round(performance.now() - started)} ms`);
      return handle;
    } catch (err) {
      const e = err as { code?: string; cause?: { code?: string } };
      report('FAIL', 'database', `PostgreSQL (DATABASE_URL) did not answer: ${e.code ?? e.cause?.code ?? (err as Error).name}`);
      await handle.close().catch(() => undefined);
      return undefined;
    }
  }
  // PGlite would create an empty database where none is: look first.
  if (!existsSync(join(config.dataDir, 'PG_VERSION'))) {
    report('FAIL', 'database', `no embedded database in ${config.dataDir}/ (run npm run db:migrate, or set DATABASE_URL)`);
    return undefined;
  }
  try {
    const handle = await openPglite({ dataDir: config.dataDir });
    report('ok', 'database', `the embedded database in ${config.dataDir}/ opened`);
    return handle;
  } catch (err) {
    report('FAIL', 'database', `the embedded database in ${config.dataDir}/ did not open: ${(err as Error).name} (is the server running on it?)`);
    return undefined;
  }
}

async function checkMigrations(handle: DbHandle) {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ tag: string; when: number }> };
  let applied: number[];
  try {
    applied = rowsOf<{ created_at: string | number }>(await handle.db.execute(sql`select created_at from drizzle.__drizzle_migrations order by created_at`)).map((r) => Number(r.created_at));
  } catch {
    report('FAIL', 'migrations', 'none applied (run npm run db:migrate)');
    return;
  }
  // drizzle's own rule: a migration is applied when the latest applied one is not older than it.
  const latest = applied.length ? Math.max(...applied) : 0;
  const pending = journal.entries.filter((e) => e.when > latest).map((e) => e.tag);
  if (pending.length) report('FAIL', 'migrations', `${pending.length} not applied: ${pending.join(', ')} (run npm run db:migrate)`);
  else report('ok', 'migrations', `current (${journal.entries.at(-1)?.tag})`);
}

async function checkCalendar(handle: DbHandle) {
  const year = Number(shanghaiDate(new Date()).slice(0, 4));
  let published: number[];
  try {
    published = await publishedCalendarYears({ db: handle.db });
  } catch {
    report('FAIL', 'calendar', 'the calendar could not be read (migrations missing?)');
    return;
  }
  const missing = [year, year + 1].filter((y) => !published.includes(y));
  if (missing.length) {
    report('FAIL', 'calendar', `holidays not published for ${missing.join(' and ')}: deadlines there count plain weekdays (import the State Council notice on the admin calendar page)`);
  } else report('ok', 'calendar', `holidays published for ${published.filter((y) => y >= year).join(', ')}`);
}

async function checkTwilio(config: Config, env: NodeJS.ProcessEnv) {
  const sid = env.TWILIO_ACCOUNT_SID?.trim();
  if (!config.twilio && !config.twilioAuthToken) return report('skip', 'twilio', 'not configured (SMS recorded locally, not sent)');
  if (!sid || !config.twilioAuthToken) return report('FAIL', 'twilio', 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are both needed');
  const base = (env.TWILIO_API_BASE_URL?.trim() || 'https://api.twilio.com').replace(/\/+$/, '');
  const auth = `Basic ${Buffer.from(`${sid}:${config.twilioAuthToken}`).toString('base64')}`;
  const res = await get(`${base}/2010-04-01/Accounts/${encodeURIComponent(sid)}.json`, { authorization: auth, accept: 'application/json' }, config);
  if ('error' in res) return report('FAIL', 'twilio', `${new URL(base).host} unreachable: ${res.error}`);
  const body = res.body as { status?: string; type?: string; code?: number } | undefined;
  if (res.status === 401 || res.status === 403)
    return report('FAIL', 'twilio', `credentials refused (HTTP ${res.status}${body?.code ? `, error ${body.code}` : ''}): check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN`);
  if (res.status !== 200) return report('FAIL', 'twilio', `unexpected answer HTTP ${res.status}`);
  if (body?.status !== 'active') return report('FAIL', 'twilio', `the account is ${body?.status ?? 'in an unknown state'}, not active`);
  if (!config.twilio) return report('FAIL', 'twilio', 'credentials accepted, but TWILIO_FROM is unset: no SMS can be sent');
  report('ok', 'twilio', `credentials accepted (account active${body.type === 'Trial' ? ', a trial account: it only sends to verified numbers' : ''})`);
}

async function checkResend(config: Config) {
  if (!config.resend) {
    const partly = config.resendWebhookSecret ? ' (RESEND_WEBHOOK_SECRET alone: webhooks verified, nothing sent)' : '';
    return report('skip', 'resend', `not configured: email recorded locally, not sent${partly}`);
  }
  const res = await get(`${config.resend.baseUrl}/domains`, { authorization: `Bearer ${config.resend.apiKey}` }, config);
  if ('error' in res) return report('FAIL', 'resend', `${new URL(config.resend.baseUrl).host} unreachable: ${res.error}`);
  const body = res.body as { name?: string; data?: Array<{ name: string; status: string }> } | undefined;
  // A key with "sending access" may not list domains; Resend says so by name, which proves the key itself is good.
  if (res.status === 401 && body?.name === 'restricted_api_key')
    return report('ok', 'resend', 'key accepted (sending access only: its domains cannot be listed, so RESEND_FROM was not checked)');
  if (res.status === 401 || res.status === 403) return report('FAIL', 'resend', `key refused (HTTP ${res.status}${body?.name ? `, ${body.name}` : ''}): check RESEND_API_KEY`);
  if (res.status !== 200 || !Array.isArray(body?.data)) return report('FAIL', 'resend', `unexpected answer HTTP ${res.status}`);
  const fromDomain = /@([^>\s]+)>?\s*$/.exec(config.resend.from)?.[1]?.toLowerCase();
  const domain = body.data.find((d) => d.name.toLowerCase() === fromDomain);
  if (!domain) return report('FAIL', 'resend', `key accepted, but RESEND_FROM's domain (${fromDomain ?? 'none'}) is not on the account`);
  if (domain.status !== 'verified') return report('FAIL', 'resend', `key accepted, but ${domain.name} is ${domain.status}, not verified`);
  report('ok', 'resend', `key accepted; ${domain.name} verified`);
}

function checkFeed(config: Config) {
  if (!config.feed12345.secret) return report('skip', '12345 feed', 'not configured');
  if (!config.feed12345.callbackUrl) return report('FAIL', '12345 feed', 'FEED_12345_SECRET is set but FEED_12345_CALLBACK_URL is not: returns and replies cannot reach the platform');
  // The platform offers no read-only call to try the secret on; its pushes are verified as they come.
  report('ok', '12345 feed', 'secret and callback URL set (the platform has no read-only call to test them with)');
}

async function checkPublicBaseUrl(config: Config, env: NodeJS.ProcessEnv) {
  const problem = publicBaseUrlProblem(config, 'node');
  if (problem) return report('FAIL', 'public address', problem);
  if (!env.PUBLIC_BASE_URL?.trim()) return report('skip', 'public address', `PUBLIC_BASE_URL unset: the demo's ${config.publicBaseUrl} (set it for a real office)`);
  const res = await get(`${config.publicBaseUrl}/api/health`, { accept: 'application/json' }, config);
  if ('error' in res) return report('FAIL', 'public address', `${config.publicBaseUrl}/api/health unreachable: ${res.error}`);
  const body = res.body as { status?: string } | undefined;
  if (res.status !== 200 || body?.status !== 'ok')
    return report('FAIL', 'public address', `${config.publicBaseUrl}/api/health answered HTTP ${res.status}${body?.status ? ` (${body.status})` : ''}`);
  report('ok', 'public address', `${config.publicBaseUrl}/api/health answers`);
}

async function main(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    report('FAIL', 'settings', err.message.replace(/\n\s*/g, ' '));
    return 1;
  }
  report('ok', 'settings', 'the environment parses');
  const handle = await openReadOnly(config);
  if (handle) {
    try {
      await checkMigrations(handle);
      await checkCalendar(handle);
    } finally {
      await handle.close();
    }
  } else {
    report('skip', 'migrations', 'no database');
    report('skip', 'calendar', 'no database');
  }
  await checkTwilio(config, process.env);
  await checkResend(config);
  checkFeed(config);
  await checkPublicBaseUrl(config, process.env);
  const failed = lines.filter((l) => l.verdict === 'FAIL').length;
  console.log(failed ? `\n${failed} check(s) failed.` : '\nAll checks passed.');
  return failed ? 1 : 0;
}

process.exitCode = await main();
