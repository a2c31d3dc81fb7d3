import type { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../../context.ts';
import { DomainError, type FieldIssue, statusFor } from '../../errors.ts';
import { unexpectedFailure } from '../../http/envelope.ts';
import { hasMessage, type Lang, t } from '../../i18n.ts';
import type { GeoReportError } from './schemas.ts';
import { toXml } from './xml.ts';

/**
 * Answers in the format the path asks for (`.json` or `.xml`, XML being the
 * spec's required one), and every error as GeoReport's error array instead of
 * the app's envelope, in the same format.
 */
export type Format = 'json' | 'xml';

export const formatOf = (path: string): Format => (path.endsWith('.json') ? 'json' : 'xml');

export function send(c: Context<AppEnv>, root: string, body: unknown, status = 200) {
  const format = formatOf(c.req.path);
  if (format === 'json') return c.body(JSON.stringify(body), status as 200, { 'content-type': 'application/json; charset=utf-8' });
  return c.body(toXml(root, body), status as 200, { 'content-type': 'text/xml; charset=utf-8' });
}

type Open311Error = z.infer<typeof GeoReportError>;

export function sendErrors(c: Context<AppEnv>, status: number, errors: Open311Error[]) {
  return send(c, 'errors', errors, status);
}

/** One entry per field a 400 names, in the caller's language, led by the field unless the message names it. */
function fieldErrors(fields: FieldIssue[], status: number, lang: Lang): Open311Error[] {
  return fields.map((f) => {
    const message = hasMessage(f.message) ? t(lang, f.message) : f.message;
    return { code: status, description: message.includes(f.field) ? message : `${f.field}: ${message}` };
  });
}

/** The sub-app's onError: what the app's handleError does, spoken in GeoReport's errors. */
export function open311ErrorHandler(err: unknown, c: Context<AppEnv>) {
  const lang = c.get('lang') ?? 'zh-CN';
  if (err instanceof DomainError) {
    const status = err.statusOverride ?? statusFor(err.code);
    if (err.code === 'rate_limited') c.header('Retry-After', String(err.params.seconds ?? 60));
    const fields = (err.details as { fields?: FieldIssue[] } | undefined)?.fields;
    if (status === 400 && fields?.length) return sendErrors(c, status, fieldErrors(fields, status, lang));
    return sendErrors(c, status, [{ code: status, description: t(lang, err.messageKey, err.params) }]);
  }
  if (err instanceof HTTPException) {
    const status = err.status === 413 ? 413 : err.status === 404 ? 404 : 400;
    return sendErrors(c, status, [{ code: status, description: t(lang, status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : 'invalid_body', { limit: '?' }) }]);
  }
  const failure = unexpectedFailure(err, c);
  const status = statusFor(failure.code);
  const description = t(lang, failure.messageKey);
  return sendErrors(c, status, [{ code: status, description: status === 500 ? `${description} (${c.get('requestId') ?? 'unknown'})` : description }]);
}
