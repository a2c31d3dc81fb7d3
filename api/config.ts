import { z } from 'zod';
import { DISSATISFIED_ACTIONS, type DissatisfiedAction } from './contract/enums.ts';

/**
 * The one schema for the environment. Parsed at every entry point (Node server,
 * Worker, scripts); a bad value fails at start with a message naming the variable.
 * Every setting has a laptop default: embedded database, local message providers.
 */
const flag = z.enum(['1', '0', 'true', 'false', 'yes', 'no', '']).transform((v) => v === '1' || v === 'true' || v === 'yes');

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

export const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  PUBLIC_BASE_URL: optionalText.pipe(z.url().optional()),
  TWILIO_ACCOUNT_SID: optionalText,
  TWILIO_AUTH_TOKEN: optionalText,
  TWILIO_FROM: optionalText,
  /** Twilio's REST API; tests point it at a local fake. */
  TWILIO_API_BASE_URL: z.url().default('https://api.twilio.com'),
  RESEND_API_KEY: optionalText,
  RESEND_FROM: optionalText,
  RESEND_WEBHOOK_SECRET: optionalText,
  /** Resend's API; tests point it at a local fake. */
  RESEND_BASE_URL: z.url().default('https://api.resend.com'),
  /** What a dissatisfied evaluation does: flag the case for the dispatcher, or reopen it (重办). */
  DISSATISFIED_ACTION: z.enum(DISSATISFIED_ACTIONS).default('flag'),
  /** Under DISSATISFIED_ACTION=flag: the office reviews a dissatisfied case within this many working days (told to the citizen). */
  DISSATISFIED_REVIEW_DAYS: z.coerce.number().int().min(1).max(30).default(3),
  /** Delivery attempts before an outbox row is dead (visible to admins, who can retry it). */
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** How long one provider call (Twilio, Resend, 12345 callback) may take; well under the 300 s delivery lease. */
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /** Node: how long a shutdown (SIGTERM, SIGINT) waits for requests, deliveries and jobs under way before closing the database. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),
  /**
   * Workers: provider calls (subrequests) one cron or queue invocation may make to deliver the outbox,
   * under Cloudflare's per-invocation limit (50 on the Free plan, 1000 on Paid): raise it on Paid.
   * At least 12: an unconfirmed SMS may need a Twilio lookup of up to 11 calls and its send.
   */
  WORKER_SUBREQUEST_BUDGET: z.coerce.number().int().min(12).max(100_000).default(40),
  /** The station an SMS complaint is filed under (SMS carries no station). */
  SMS_DEFAULT_STATION: z.string().default('TJ'),
  /** Extensions a case may be granted (延期次数); a pending request blocks another as well. */
  EXTENSION_MAX: z.coerce.number().int().min(0).max(10).default(1),
  /** Working days an extension may add beyond the current reply deadline. */
  EXTENSION_MAX_DAYS: z.coerce.number().int().min(1).max(60).default(10),
  /** End of office hours (Beijing time, HH:MM): a same-day clock started later runs to the end of the next working day. */
  OFFICE_HOURS_END: z
    .string()
    .trim()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour Beijing time')
    .default('17:30'),
  FEED_12345_SECRET: optionalText,
  FEED_12345_CALLBACK_URL: optionalText.pipe(z.url().optional()),
  SEED_DEMO: flag.optional(),
  DEMO_PASSWORD: z.string().min(8).default('station-demo'),
  /** Case filings a single client may make per hour on the public intake. */
  INTAKE_RATE_LIMIT: z.coerce.number().int().min(1).default(20),
  /** Status lookups a single client may make per 10 minutes (guards the 4-digit check). */
  LOOKUP_RATE_LIMIT: z.coerce.number().int().min(1).default(60),
  /** Sign-in attempts a single client may make per 10 minutes (on top of the per-account lock). */
  SIGN_IN_RATE_LIMIT: z.coerce.number().int().min(1).default(30),
  /**
   * How many reverse proxies in front of the Node server append to X-Forwarded-For
   * (the client is that many entries from the right). `true`/`yes` mean one; off by default.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .transform((v) => v.toLowerCase())
    .pipe(
      z.union([
        z.enum(['true', 'yes']).transform(() => 1),
        z.enum(['false', 'no', '']).transform(() => 0),
        z.string().regex(/^\d+$/, 'true, false, or a whole number of proxy hops').transform(Number).pipe(z.number().max(10)),
      ]),
    )
    .optional(),
  /** The office's 24-hour line, shown on the public site (a sample number, marked as such, when unset). */
  HOTLINE_PHONE: z
    .string()
    .trim()
    .max(40)
    .regex(/^[0-9+\-\s()]*$/, 'digits, spaces, +, - and () only')
    .optional(),
  /** Signs staff photo links (HMAC). Unset on Node: a random secret per start (links live minutes); required on Workers. */
  PHOTO_URL_SECRET: optionalText.pipe(z.string().min(16, 'at least 16 characters').optional()),
  /** An S3-compatible bucket for photos (instead of DATA_DIR/photos on Node): endpoint, bucket, keys. */
  PHOTO_S3_ENDPOINT: optionalText.pipe(z.url().optional()),
  PHOTO_S3_BUCKET: optionalText,
  PHOTO_S3_REGION: z.string().trim().min(1).default('auto'),
  PHOTO_S3_ACCESS_KEY_ID: optionalText,
  PHOTO_S3_SECRET_ACCESS_KEY: optionalText,
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  publicBaseUrl: string;
  seedDemo: boolean;
  demoPassword: string;
  intakeRateLimit: number;
  lookupRateLimit: number;
  signInRateLimit: number;
  /** Trusted reverse-proxy hops in front of the Node server (0: use the socket's address). */
  trustProxy: number;
  logLevel: Env['LOG_LEVEL'];
  twilio: { accountSid: string; authToken: string; from: string; apiBaseUrl: string } | undefined;
  /** Verifies inbound Twilio webhooks; present whenever the auth token is, even without a sender. */
  twilioAuthToken: string | undefined;
  resend: { apiKey: string; from: string; baseUrl: string } | undefined;
  resendWebhookSecret: string | undefined;
  dissatisfiedAction: DissatisfiedAction;
  dissatisfiedReviewDays: number;
  outboxMaxAttempts: number;
  providerTimeoutMs: number;
  shutdownTimeoutMs: number;
  smsDefaultStation: string;
  /** Workers only: provider calls one invocation's outbox delivery may make. */
  workerSubrequestBudget: number;
  /** The office's deadline rules: extensions allowed, and when office hours end (minutes after 00:00 Beijing). */
  deadlines: { extensionMax: number; extensionMaxDays: number; officeHoursEnd: number };
  feed12345: { secret: string | undefined; callbackUrl: string | undefined };
  /** Photos: the link-signing secret when set, and an S3-compatible bucket when configured. */
  photos: {
    urlSecret: string | undefined;
    s3: { endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string } | undefined;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses an environment record (process.env, or a Worker's env) into the Config. */
export function loadConfig(source: Record<string, unknown>): Config {
  const strings: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = source[key];
    if (typeof value === 'string') strings[key] = value;
  }
  const parsed = EnvSchema.safeParse(strings);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const twilio =
    env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM
      ? { accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, from: env.TWILIO_FROM, apiBaseUrl: env.TWILIO_API_BASE_URL.replace(/\/+$/, '') }
      : undefined;
  const resend = env.RESEND_API_KEY && env.RESEND_FROM ? { apiKey: env.RESEND_API_KEY, from: env.RESEND_FROM, baseUrl: env.RESEND_BASE_URL.replace(/\/+$/, '') } : undefined;
  return {
    port: env.PORT,
    host: env.HOST,
    dataDir: env.DATA_DIR,
    databaseUrl: env.DATABASE_URL,
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${env.PORT}`).replace(/\/+$/, ''),
    // Demo stations and staff go into the embedded database unless told otherwise;
    // a real server gets them only when asked.
    seedDemo: env.SEED_DEMO ?? !env.DATABASE_URL,
    demoPassword: env.DEMO_PASSWORD,
    intakeRateLimit: env.INTAKE_RATE_LIMIT,
    lookupRateLimit: env.LOOKUP_RATE_LIMIT,
    signInRateLimit: env.SIGN_IN_RATE_LIMIT,
    trustProxy: env.TRUST_PROXY ?? 0,
    logLevel: env.LOG_LEVEL,
    twilio,
    twilioAuthToken: env.TWILIO_AUTH_TOKEN,
    resend,
    resendWebhookSecret: env.RESEND_WEBHOOK_SECRET,
    dissatisfiedAction: env.DISSATISFIED_ACTION,
    dissatisfiedReviewDays: env.DISSATISFIED_REVIEW_DAYS,
    outboxMaxAttempts: env.OUTBOX_MAX_ATTEMPTS,
    providerTimeoutMs: env.PROVIDER_TIMEOUT_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    smsDefaultStation: env.SMS_DEFAULT_STATION,
    workerSubrequestBudget: env.WORKER_SUBREQUEST_BUDGET,
    deadlines: {
      extensionMax: env.EXTENSION_MAX,
      extensionMaxDays: env.EXTENSION_MAX_DAYS,
      officeHoursEnd: Number(env.OFFICE_HOURS_END.slice(0, 2)) * 60 + Number(env.OFFICE_HOURS_END.slice(3, 5)),
    },
    feed12345: { secret: env.FEED_12345_SECRET, callbackUrl: env.FEED_12345_CALLBACK_URL },
    photos: { urlSecret: env.PHOTO_URL_SECRET, s3: photoBucket(env) },
  };
}

/** The photo bucket when all of it is set; a part of it alone is a mistake worth stopping for. */
function photoBucket(env: Env): Config['photos']['s3'] {
  const parts = {
    PHOTO_S3_ENDPOINT: env.PHOTO_S3_ENDPOINT,
    PHOTO_S3_BUCKET: env.PHOTO_S3_BUCKET,
    PHOTO_S3_ACCESS_KEY_ID: env.PHOTO_S3_ACCESS_KEY_ID,
    PHOTO_S3_SECRET_ACCESS_KEY: env.PHOTO_S3_SECRET_ACCESS_KEY,
  };
  const missing = Object.entries(parts)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length === 4) return undefined;
  if (missing.length > 0) throw new ConfigError(`Invalid environment:\n  ${missing.join(', ')}: needed with the other PHOTO_S3_ variables`);
  return {
    endpoint: env.PHOTO_S3_ENDPOINT!,
    bucket: env.PHOTO_S3_BUCKET!,
    region: env.PHOTO_S3_REGION,
    accessKeyId: env.PHOTO_S3_ACCESS_KEY_ID!,
    secretAccessKey: env.PHOTO_S3_SECRET_ACCESS_KEY!,
  };
}

/** Loopback and unspecified hosts: an address only this machine can reach. */
const LOCAL_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1?\]|0\.0\.0\.0)$/i;

type BaseUrlInputs = Pick<Config, 'publicBaseUrl' | 'twilio' | 'twilioAuthToken' | 'resend' | 'resendWebhookSecret' | 'feed12345'>;

/**
 * Why the service must not run as configured, or undefined: PUBLIC_BASE_URL is
 * missing or points at this machine while a provider sends us webhooks or
 * receives our links (Twilio signatures are checked against it; SMS, email and
 * Open311 carry it), or on Workers, where there is never a laptop to fall back
 * to. Node refuses to start with it; the Worker refuses webhooks with 503.
 * The demo (no provider, on Node) keeps its loopback default.
 */
export function publicBaseUrlProblem(config: BaseUrlInputs, runtime: 'node' | 'worker'): string | undefined {
  if (!LOCAL_HOSTS.test(new URL(config.publicBaseUrl).hostname)) return undefined;
  const providers = [
    config.twilio || config.twilioAuthToken ? 'Twilio (TWILIO_AUTH_TOKEN)' : undefined,
    config.resend ? 'Resend (RESEND_API_KEY)' : undefined,
    config.resendWebhookSecret ? 'Resend webhooks (RESEND_WEBHOOK_SECRET)' : undefined,
    config.feed12345.secret ? 'the 12345 feed (FEED_12345_SECRET)' : undefined,
  ].filter((p): p is string => p !== undefined);
  if (runtime === 'node' && !providers.length) return undefined;
  const why = runtime === 'worker' ? 'on Cloudflare Workers' : `with ${providers.join(', ')} configured`;
  return `PUBLIC_BASE_URL is unset or points at this machine (${config.publicBaseUrl}) ${why}: webhook signatures would be checked against that address and message links would point nowhere. Set PUBLIC_BASE_URL to the https:// address the public reaches the service at.`;
}
