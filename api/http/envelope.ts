import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { DomainError, ERROR_CODES, type ErrorCode, type FieldIssue, fieldIssues, statusFor } from '../errors.ts';
import { hasMessage, type Lang, t } from '../i18n.ts';
import { describeError, errorCode } from '../logger.ts';

/** The wire shape of every error, declared once for the OpenAPI document. */
export const ErrorEnvelope = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      requestId: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

export function errorResponse(c: Context<AppEnv>, code: ErrorCode, message: string, details?: unknown, status: number = statusFor(code)) {
  const body: ErrorEnvelope = { error: { code, message, requestId: c.get('requestId') ?? 'unknown', ...(details === undefined ? {} : { details }) } };
  return c.json(body, status as 400);
}

export function validationError(c: Context<AppEnv>, error: ZodError) {
  const lang = c.get('lang') ?? 'zh-CN';
  const fields = fieldIssues(error, lang);
  const names = [...new Set(fields.map((f) => f.field))].join(', ');
  return errorResponse(c, 'invalid_input', t(lang, 'invalid_input', { fields: names }), { fields });
}

/** The app's onError: typed domain errors keep their code; anything else is a logged 500. */
export function handleError(err: unknown, c: Context<AppEnv>) {
  const lang = c.get('lang') ?? 'zh-CN';
  if (err instanceof DomainError) {
    if (err.code === 'rate_limited') c.header('Retry-After', String(err.params.seconds ?? 60));
    return errorResponse(c, err.code, t(lang, err.messageKey, err.params), localizeDetails(err.details, lang), err.statusOverride);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    if (status === 413) return errorResponse(c, 'invalid_input', t(lang, 'payload_too_large', { limit: '?' }), undefined, 413);
    if (status === 415) return errorResponse(c, 'invalid_input', t(lang, 'unsupported_content_type'));
    if (status === 400) {
      const malformed = /json/i.test(err.message);
      return errorResponse(c, 'invalid_input', t(lang, malformed ? 'invalid_json' : 'invalid_body'));
    }
    if (status === 401) return errorResponse(c, 'unauthorized', t(lang, 'unauthorized'));
    if (status === 403) return errorResponse(c, 'forbidden', t(lang, 'forbidden'));
    if (status === 404) return errorResponse(c, 'not_found', t(lang, 'not_found'));
  }
  const failure = unexpectedFailure(err, c);
  return errorResponse(c, failure.code, t(lang, failure.messageKey));
}

/**
 * What an error that is not a domain error means, logged once: the database is
 * down (503), text the schemas should have refused reached the database (the
 * caller's bad input, 400), or our own fault (500). Both error handlers (the
 * app's envelope, Open311's error array) answer from this. Logged by name, code,
 * constraint, table and frames only: a failed statement's message carries its parameters.
 */
export function unexpectedFailure(err: unknown, c: Context<AppEnv>): { code: 'unavailable' | 'invalid_input' | 'internal'; messageKey: string } {
  const logger = c.get('ctx')?.logger;
  const code = errorCode(err);
  if (isDatabaseDown(code) || isSocketFailure(err)) {
    logger?.error('database unavailable', { requestId: c.get('requestId'), ...describeError(err) });
    return { code: 'unavailable', messageKey: 'unavailable' };
  }
  if (code === UNTRANSLATABLE_CHARACTER || code === CHARACTER_NOT_IN_REPERTOIRE) {
    logger?.warn('unstorable text reached the database', { requestId: c.get('requestId'), ...describeError(err) });
    return { code: 'invalid_input', messageKey: 'unstorable_text' };
  }
  logger?.error('unhandled error', { requestId: c.get('requestId'), ...describeError(err) });
  return { code: 'internal', messageKey: 'internal' };
}

/** SQLSTATEs of text the database cannot hold: a NUL in text (22021), a NUL or lone surrogate escape in jsonb (22P05). */
const CHARACTER_NOT_IN_REPERTOIRE = '22021';
const UNTRANSLATABLE_CHARACTER = '22P05';

/** Domain field issues carry catalogue keys; the caller reads them in their language. */
function localizeDetails(details: unknown, lang: Lang): unknown {
  const fields = (details as { fields?: FieldIssue[] } | undefined)?.fields;
  if (!Array.isArray(fields)) return details;
  return { ...(details as object), fields: fields.map((f) => ({ ...f, message: hasMessage(f.message) ? t(lang, f.message) : f.message })) };
}

/** Drizzle wraps the driver's error, so the code is looked for along the causes. */
function isDatabaseDown(code: string | undefined): boolean {
  return code === 'ECONNREFUSED' || code === 'CONNECT_TIMEOUT' || code === 'CONNECTION_CLOSED' || code === '57P01' || code === '57P03';
}

/**
 * workerd's sockets (postgres.js on Workers, through Hyperdrive) fail a
 * connection with a plain Error and no code: "proxy request failed, cannot
 * connect to the specified address" (local Hyperdrive), "Network connection
 * lost". Only the driver's causes are read, never the query error's own message.
 */
const SOCKET_FAILURE = /cannot connect to the specified address|network connection lost|connection (?:refused|reset|closed)/i;

function isSocketFailure(err: unknown): boolean {
  let e = (err as { cause?: unknown } | null | undefined)?.cause as { message?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (typeof e.message === 'string' && SOCKET_FAILURE.test(e.message)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** An error response in a route's OpenAPI contract: the envelope, with what it means there. */
export const errorDoc = (description: string) => ({ description, content: { 'application/json': { schema: ErrorEnvelope } } });

/** The statuses an error leaves with: its code's own, or 413 for an oversize body. */
export type ErrorStatus = ReturnType<typeof statusFor> | 413;

/**
 * The documented errors of a route contract, each status with what it means on
 * that route, all in the one envelope: `errorResponses({ 401: 'No session', 404: 'No such case' })`.
 */
export function errorResponses<S extends ErrorStatus>(meanings: { [K in S]: string }) {
  const entries = Object.entries<string>(meanings).map(([status, description]) => [status, errorDoc(description)]);
  return Object.fromEntries(entries) as { [K in S]: ReturnType<typeof errorDoc> };
}
