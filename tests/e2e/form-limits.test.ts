import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { FORM_BODY_LIMIT, formBodyLimit } from '../../site/adapter/form-limit.ts';
import { baseUrl, skipReason } from './browser.ts';

/**
 * The site's form posts on the running Node server: an oversize form is
 * refused with a 413 page before the page reads it, streamed or declared, and
 * the server goes on answering.
 */
function post(path: string, size: number, chunked: boolean): Promise<{ status: number; text: string }> {
  const url = new URL(path, baseUrl);
  const body = Buffer.from(`description=${'a'.repeat(size)}`);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', origin: url.origin };
    if (!chunked) headers['content-length'] = String(body.byteLength);
    let answered = false;
    // A connection of its own, as each traveler's browser has: no reuse of one the server is closing.
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers, agent: false }, (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, text });
        req.destroy();
      });
    });
    // The server may stop reading while the rest is still being written: that is the point.
    // An error after the answer arrived is expected; a connection that ends with no answer is a failure.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    req.on('close', () => {
      if (!answered) reject(new Error(`${path}: the connection closed before any answer`));
    });
    // Sent as a phone sends a large form: a piece at a time, as fast as the server takes it,
    // and no more once the answer has come (the server answers an oversize form without
    // waiting for the rest; how long it then drains is the HTTP library's business, and a
    // test that raced it would fail on a slow machine for no fault of the page).
    let offset = 0;
    const writeMore = () => {
      while (!answered && offset < body.byteLength) {
        const piece = body.subarray(offset, offset + 64 * 1024);
        offset += piece.byteLength;
        if (!req.write(piece)) {
          req.once('drain', writeMore);
          return;
        }
      }
      if (!answered) req.end();
    };
    writeMore();
  });
}

describe.skipIf(Boolean(skipReason))('site form size limits', () => {
  for (const path of ['/report', '/en/status', '/rate', '/staff/login']) {
    for (const chunked of [false, true]) {
      // 2 MB, or for the complaint form, which takes photos, 1 MB past its three photos' limit.
      it(`refuses a post 1 MB past the limit of ${path} ${chunked ? 'streamed' : 'with its length'} with 413`, async () => {
        const res = await post(path, Math.max(2 * 1024 * 1024, formBodyLimit(path) + 1024 * 1024), chunked);
        expect(res.status).toBe(413);
        expect(res.text).toMatch(path.startsWith('/en/') ? /Too much to send/ : /提交的内容过大/);
      });
    }
  }

  it('still renders a small post to the same page (its own validation answers)', async () => {
    const res = await post('/report', FORM_BODY_LIMIT / 4, false);
    expect(res.status).toBe(400);
    expect(res.text).toContain('<form');
  });
});
