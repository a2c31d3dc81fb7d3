import { z } from 'zod';
import type { InProcessApi } from '../../adapter/types.ts';
import type { Lang } from './contract.ts';

/**
 * Calls the API in process (`Astro.locals.api`, the Hono app): the site is a
 * client of the API's contract like any other, only without the network. It
 * forwards what the API needs to treat the call as the browser's own: the
 * session cookie, the client's address headers, the page's language and the
 * CSRF token. Nothing here logs; query strings (a lookup's phone digits) stay
 * inside this process.
 *
 * Every answer is parsed with the contract's schema for it: what a page reads
 * is what the API promised, checked, not assumed. An answer that breaks the
 * contract throws `ApiContractError`, which the middleware turns into a 502
 * page (a broken upstream, not the visitor's fault) and one log line.
 */
export interface PageContext {
  url: URL;
  request: Request;
  locals: { api: InProcessApi };
}

export interface ApiError {
  status: number;
  code: string;
  message: string;
  /** The first message for each field the API named, e.g. { phone: '请输入有效的手机号码' }. */
  fields: Record<string, string>;
  retryAfter: string | undefined;
  /** The envelope's `details` beyond its field list (e.g. the policy a new one ties with), unchecked. */
  details: unknown;
}

export type ApiResult<T> = { ok: true; status: number; data: T; response: Response } | { ok: false; status: number; error: ApiError; response: Response };

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  json?: unknown;
  /** A multipart body (a form with photos); sent as the browser's form was, with its own boundary. */
  form?: FormData;
  lang?: Lang;
  csrf?: string | undefined;
}

/** Request headers that travel from the browser's request to the API's. */
const FORWARDED = ['cookie', 'cf-connecting-ip', 'x-forwarded-for', 'x-real-ip', 'user-agent'];

/** For a call whose answer the page reads only by its status (a write that ends in a redirect). */
export const StatusOnly = z.unknown();

/**
 * The API answered with a body its contract does not allow. The message names
 * the endpoint with its ids left out and each failing field by path and zod
 * code, never a value: it is logged, and a value could be a citizen's.
 */
export class ApiContractError extends Error {
  override readonly name = 'ApiContractError';
  constructor(
    readonly endpoint: string,
    readonly issues: string[],
  ) {
    super(`the API's answer to ${endpoint} does not match its contract: ${issues.join('; ')}`);
  }
}

export async function callApi<S extends z.ZodType>(page: PageContext, path: string, schema: S, options: CallOptions = {}): Promise<ApiResult<z.output<S>>> {
  const method = options.method ?? 'GET';
  const headers = new Headers({ accept: 'application/json' });
  for (const name of FORWARDED) {
    const value = page.request.headers.get(name);
    if (value) headers.set(name, value);
  }
  headers.set('accept-language', options.lang ?? 'zh-CN');
  if (options.csrf) headers.set('x-csrf-token', options.csrf);
  let body: string | FormData | undefined;
  if (options.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(options.json);
  } else if (options.form) {
    body = options.form;
  }
  const request = new Request(new URL(path, page.url.origin), { method, headers, body });
  const response = await page.locals.api.fetch(request);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) return { ok: false, status: response.status, error: toApiError(response, parsed), response };
  const checked = schema.safeParse(parsed);
  if (!checked.success) throw new ApiContractError(`${method} ${endpointOf(path)}`, checked.error.issues.map(describeIssue));
  return { ok: true, status: response.status, data: checked.data, response };
}

/** "/api/cases/K7M2QX9PRT?phone4=5678" → "/api/cases/:id": words stay, codes, ids and the query go. */
export function endpointOf(path: string): string {
  const [pathname = ''] = path.split('?');
  return pathname
    .split('/')
    .map((segment) => (segment === '' || /^[a-z]+(-[a-z]+)*$/.test(segment) ? segment : ':id'))
    .join('/');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return `${issue.path.map(String).join('.') || '(body)'} ${issue.code}`;
}

function toApiError(response: Response, body: unknown): ApiError {
  const envelope = (body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
  const fields: Record<string, string> = {};
  const list = (envelope?.details as { fields?: Array<{ field?: string; message?: string }> } | undefined)?.fields;
  if (Array.isArray(list)) {
    for (const f of list) {
      // "coDepartments.0" belongs to the coDepartments field.
      const name = String(f.field ?? '').split('.')[0] ?? '';
      if (name && f.message && !(name in fields)) fields[name] = f.message;
    }
  }
  return {
    status: response.status,
    code: envelope?.code ?? (response.status >= 500 ? 'internal' : 'invalid_input'),
    message: envelope?.message ?? '',
    fields,
    retryAfter: response.headers.get('retry-after') ?? undefined,
    details: envelope?.details,
  };
}

/** The Set-Cookie headers of an API response, to pass on to the browser. */
export function setCookies(response: Response): string[] {
  return response.headers.getSetCookie();
}
