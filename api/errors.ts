import type { ZodError } from 'zod';
import { hasMessage, type Lang, t } from './i18n.ts';

/**
 * Typed domain errors and the one mapping from error code to HTTP status.
 * Domain code throws these; the HTTP layer turns them into the envelope
 * `{ error: { code, message, requestId, details? } }`.
 */
export const ERROR_CODES = ['invalid_input', 'unauthorized', 'invalid_signature', 'forbidden', 'not_found', 'conflict', 'rate_limited', 'unavailable', 'internal'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export function statusFor(code: ErrorCode): 400 | 401 | 403 | 404 | 409 | 429 | 500 | 503 {
  switch (code) {
    case 'invalid_input':
      return 400;
    case 'unauthorized':
    case 'invalid_signature':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'rate_limited':
      return 429;
    case 'unavailable':
      return 503;
    case 'internal':
      return 500;
  }
}

export interface FieldIssue {
  field: string;
  code: string;
  message: string;
}

/** Field-level issues from a zod failure, each message in the caller's language. */
export function fieldIssues(error: ZodError, lang: Lang): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    // Unknown keys are named one by one, so the caller sees which field was refused.
    if (issue.code === 'unrecognized_keys') {
      const base = issue.path.map(String).join('.');
      return issue.keys.map((k) => ({ field: base ? `${base}.${k}` : k, code: issue.code, message: t(lang, 'field.unknown_key') }));
    }
    const field = issue.path.map(String).join('.') || '(body)';
    let key = 'field.invalid';
    const params: Record<string, string | number> = {};
    if (hasMessage(issue.message)) key = issue.message;
    else if (issue.code === 'invalid_type') key = (issue as { input?: unknown }).input === undefined && issue.message.includes('undefined') ? 'field.required' : 'field.invalid_type';
    else if (issue.code === 'too_big') {
      key = 'field.too_long';
      params.max = Number((issue as { maximum?: number | bigint }).maximum ?? 0);
    } else if (issue.code === 'too_small') {
      key = Number((issue as { minimum?: number | bigint }).minimum) <= 1 ? 'field.required' : 'field.too_short';
      params.min = Number((issue as { minimum?: number | bigint }).minimum ?? 0);
    } else if (issue.code === 'invalid_value') key = 'field.invalid_value';
    return [{ field, code: issue.code, message: t(lang, key, params) }];
  });
}

/** `messageKey` names a message in the i18n catalogue; `params` fill its blanks. */
export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    readonly messageKey: string,
    readonly params: Record<string, string | number> = {},
    readonly details?: unknown,
    /** Only for the one case where the status is not the code's: 413 for an oversize body. */
    readonly statusOverride?: 413,
  ) {
    super(messageKey);
  }
}

export const notFound = (key = 'not_found', params = {}) => new DomainError('not_found', key, params);
export const conflict = (key = 'conflict', params = {}) => new DomainError('conflict', key, params);
export const forbidden = (key = 'forbidden', params = {}) => new DomainError('forbidden', key, params);
export const invalidInput = (key: string, fields: FieldIssue[] = [], params = {}) => new DomainError('invalid_input', key, params, fields.length ? { fields } : undefined);
