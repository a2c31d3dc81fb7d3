import type { Lang } from './i18n.ts';

/**
 * Calls the API in process (`Astro.locals.api`, the Hono app): the site is a
 * client of the API's contract like any other, only without the network. It
 * forwards what the API needs to treat the call as the browser's own: the
 * session cookie, the client's address headers, the page's language and the
 * CSRF token. Nothing here logs; query strings (a lookup's phone digits) stay
 * inside this process.
 */
export interface PageContext {
  url: URL;
  request: Request;
  locals: App.Locals;
}

export interface ApiError {
  status: number;
  code: string;
  message: string;
  /** The first message for each field the API named, e.g. { phone: '请输入有效的手机号码' }. */
  fields: Record<string, string>;
  retryAfter: string | undefined;
}

export type ApiResult<T> =
  | { ok: true; status: number; data: T; response: Response }
  | { ok: false; status: number; error: ApiError; response: Response };

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  json?: unknown;
  lang?: Lang;
  csrf?: string | undefined;
}

/** Request headers that travel from the browser's request to the API's. */
const FORWARDED = ['cookie', 'cf-connecting-ip', 'x-forwarded-for', 'x-real-ip', 'user-agent'];

export async function callApi<T>(page: PageContext, path: string, options: CallOptions = {}): Promise<ApiResult<T>> {
  const headers = new Headers({ accept: 'application/json' });
  for (const name of FORWARDED) {
    const value = page.request.headers.get(name);
    if (value) headers.set(name, value);
  }
  headers.set('accept-language', options.lang ?? 'zh-CN');
  if (options.csrf) headers.set('x-csrf-token', options.csrf);
  let body: string | undefined;
  if (options.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(options.json);
  }
  const request = new Request(new URL(path, page.url.origin), { method: options.method ?? 'GET', headers, body });
  const response = await page.locals.api.fetch(request);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (response.ok) return { ok: true, status: response.status, data: parsed as T, response };
  return { ok: false, status: response.status, error: toApiError(response, parsed), response };
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
  };
}

/** The Set-Cookie headers of an API response, to pass on to the browser. */
export function setCookies(response: Response): string[] {
  return response.headers.getSetCookie();
}
