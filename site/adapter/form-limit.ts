import { PHOTO_FORM_BODY_LIMIT } from '../../api/contract/wire/photos.ts';

/**
 * Size limits for the site's own form posts, applied before a page reads the
 * body (both runtimes go through the SSR entry, site/adapter/server.ts).
 *
 * A page's `await request.formData()` reads everything the client sends; a
 * 300 MB post would be held in memory before any field is looked at. Nothing
 * over the limit is kept. A declared Content-Length over the limit but within
 * `DISCARD_LIMIT` (a browser's form with three large phone photos) is read and
 * thrown away before the 413 goes out: answering while the browser is still
 * sending ends, once the HTTP server stops draining, in a connection reset that
 * can swallow the answer, and the traveler sees a network error instead of the
 * page that says what to do. A streamed body is likewise kept only up to the
 * limit and discarded after it, to DISCARD_LIMIT in all. A larger declared body
 * is refused at once.
 */

/** Up to this many declared bytes are read and discarded so that the 413 page reaches the browser. */
export const DISCARD_LIMIT = 64 * 1024 * 1024;

/** The public forms and the sign-in: the same ceiling as the API's intake. */
export const FORM_BODY_LIMIT = 32 * 1024;
/** Staff console forms, which include the calendar import (a year of days as JSON). */
export const STAFF_FORM_BODY_LIMIT = 1024 * 1024;
/** The forms that take photos: the complaint form and staff entry (api/contract/wire/photos.ts). */
export const PHOTO_FORMS = new Set(['/report', '/en/report', '/staff/new']);

export function formBodyLimit(pathname: string): number {
  if (PHOTO_FORMS.has(pathname)) return PHOTO_FORM_BODY_LIMIT;
  return pathname.startsWith('/staff/') && pathname !== '/staff/login' ? STAFF_FORM_BODY_LIMIT : FORM_BODY_LIMIT;
}

/**
 * The request with its body read into memory when within `limit`, or a 413
 * page. Requests without a body pass unchanged.
 */
export async function limitFormBody(request: Request, limit: number): Promise<Request | Response> {
  if (request.method === 'GET' || request.method === 'HEAD' || !request.body) return request;
  const url = new URL(request.url);
  const english = url.pathname.startsWith('/en/');
  const back = url.pathname + url.search;
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) {
    if (Number(declared) <= DISCARD_LIMIT) await discard(request.body.getReader(), DISCARD_LIMIT);
    // Beyond that the unread rest is left to the runtime, which drains it within its own
    // bounds: cancelling the stream here would close the connection under the answer.
    return tooLarge(english, limit, back);
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Kept no further; the rest is read and thrown away (to DISCARD_LIMIT in all) for the same reason.
      await discard(reader, DISCARD_LIMIT - size);
      return tooLarge(english, limit, back);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new Request(request.url, { method: request.method, headers: request.headers, body, signal: request.signal });
}

/** Reads a body to its end, keeping nothing; past `budget` bytes the rest is left to the runtime. */
async function discard(reader: ReadableStreamDefaultReader<Uint8Array>, budget: number): Promise<void> {
  let read = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    read += value.byteLength;
    if (read > budget) {
      reader.releaseLock();
      return;
    }
  }
}

function tooLarge(english: boolean, limit: number, backTo: string): Response {
  const kb = Math.floor(limit / 1024);
  const [lang, title, text, back] = english
    ? ['en', 'Too much to send', `The form was larger than ${kb} kB and was not accepted. Shorten the text and send it again.`, 'Go back']
    : ['zh-CN', '提交的内容过大', `表单超过 ${kb} KB，未被受理。请精简内容后重新提交。`, '返回'];
  const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body><main><h1>${title}</h1><p>${text}</p><p><a href="${escapeHtml(backTo)}">${back}</a></p></main></body></html>`;
  return new Response(html, {
    status: 413,
    // No `Connection: close`: closing at once with the rest of the body unread makes the
    // kernel reset the connection, which can throw away this very answer on its way to
    // the browser. The Node server discards what is still coming (within its own bounds).
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
