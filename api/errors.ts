/**
 * Typed domain errors and the one mapping from error code to HTTP status.
 * Domain code throws these; the HTTP layer turns them into the envelope
 * `{ error: { code, message, requestId, details? } }`.
 */
export const ERROR_CODES = [
  'invalid_input',
  'unauthorized',
  'invalid_signature',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'unavailable',
  'internal',
] as const;
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
export const invalidInput = (key: string, fields: FieldIssue[] = [], params = {}) =>
  new DomainError('invalid_input', key, params, fields.length ? { fields } : undefined);
