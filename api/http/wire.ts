import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import { isStorableText, UNSTORABLE_MESSAGE } from '../contract/text.ts';
import { toShanghaiIso } from '../domain/deadlines/shanghai-time.ts';
import { type FieldIssue, invalidInput } from '../errors.ts';

/** The JSON shape of a value: Dates become ISO strings, in Shanghai time (`…+08:00`). */
export type Wire<T> = T extends Date ? string : T extends Array<infer U> ? Array<Wire<U>> : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

/**
 * Turns domain values (with Dates) into their wire form, for typed responses.
 * Every time leaves as the office reads it, `2026-03-06T08:00:00+08:00`, as the
 * public responses give theirs: the replacer sees each Date before its own
 * toJSON has made a UTC string of it.
 */
export function toWire<T>(value: T): Wire<T> {
  return JSON.parse(JSON.stringify(value, shanghaiTimes)) as Wire<T>;
}

function shanghaiTimes(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Date && !Number.isNaN(raw.getTime()) ? toShanghaiIso(raw) : value;
}

/**
 * Refuses a request whose URL carries a NUL (`%00`) in its path or query, naming
 * the query parameters that hold it. Percent-decoding never yields a lone
 * surrogate (an encoded one stays as its `%ED…` text), so NUL is the one
 * character a URL can smuggle past the schemas to the database — in routes
 * whose query no schema reads, too. One substring search on the raw URL when
 * all is well.
 */
export const refuseUnstorableUrl: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.req.url.includes('%00')) return next();
  const url = new URL(c.req.url);
  const fields = new Set<string>();
  if (url.pathname.includes('%00')) fields.add('(path)');
  for (const [key, value] of url.searchParams) if (!isStorableText(key) || !isStorableText(value)) fields.add(isStorableText(key) ? key : '(query)');
  const issues: FieldIssue[] = [...fields].map((field) => ({ field, code: 'invalid_string', message: UNSTORABLE_MESSAGE }));
  throw invalidInput('invalid_input', issues, { fields: [...fields].join(', ') });
};
