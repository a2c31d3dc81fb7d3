import { describe, expect, it } from 'vitest';
import { PHOTO_FORM_BODY_LIMIT } from '../../api/contract/wire/photos.ts';
import { DISCARD_LIMIT, FORM_BODY_LIMIT, formBodyLimit, limitFormBody, STAFF_FORM_BODY_LIMIT } from '../../site/adapter/form-limit.ts';

/** A body that never ends, counting what was pulled from it: what a 300 MB post looks like to the server. */
function endless(chunkSize = 16 * 1024) {
  const state = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulled += chunkSize;
      controller.enqueue(new Uint8Array(chunkSize).fill(0x61));
    },
  });
  return { stream, state };
}

/** A body of `size` bytes in 64 kB pieces, saying how much was pulled and whether it was read to its end. */
function finite(size: number) {
  const state = { pulled: 0, ended: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled >= size) {
        state.ended = true;
        controller.close();
        return;
      }
      state.pulled += 64 * 1024;
      controller.enqueue(new Uint8Array(64 * 1024).fill(0x61));
    },
  });
  return { stream, state };
}

const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
  new Request(`http://127.0.0.1:8787${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
    duplex: 'half',
  } as RequestInit);

describe('site form limits', () => {
  it('gives the public forms and the sign-in the intake ceiling, the staff console more, the forms with photos three photos more', () => {
    for (const path of ['/status', '/en/status', '/rate', '/en/rate', '/staff/login']) {
      expect(formBodyLimit(path)).toBe(FORM_BODY_LIMIT);
    }
    expect(formBodyLimit('/staff/admin/calendar')).toBe(STAFF_FORM_BODY_LIMIT);
    for (const path of ['/report', '/en/report', '/staff/new']) expect(formBodyLimit(path)).toBe(PHOTO_FORM_BODY_LIMIT);
  });

  it('discards a streamed body past the limit up to the discard limit, never further, and answers 413 in the page language', async () => {
    const { stream, state } = endless(256 * 1024);
    const res = await limitFormBody(post('/en/report', stream), FORM_BODY_LIMIT);
    expect(res).toBeInstanceOf(Response);
    const page = res as Response;
    expect(page.status).toBe(413);
    const pulled = state.pulled;
    expect(await page.text()).toContain('Too much to send');
    // Read to the discard limit (so a client still sending is not reset under the answer),
    // plus at most what the stream had queued ahead; nothing more once the answer is out.
    expect(pulled).toBeGreaterThanOrEqual(DISCARD_LIMIT);
    expect(pulled).toBeLessThanOrEqual(DISCARD_LIMIT + 3 * 256 * 1024);
    expect(state.pulled).toBe(pulled);
  });

  it('discards a short streamed body past the limit to its end before answering', async () => {
    const size = 2 * 1024 * 1024;
    const { stream, state } = finite(size);
    const res = await limitFormBody(post('/rate', stream), FORM_BODY_LIMIT);
    expect((res as Response).status).toBe(413);
    expect(state.ended).toBe(true);
  });

  it('reads and discards a declared length over the limit but within the discard limit before answering 413, so the answer is not lost to a reset', async () => {
    const size = 2 * 1024 * 1024;
    const { stream, state } = finite(size);
    expect(size).toBeLessThan(DISCARD_LIMIT);
    const res = await limitFormBody(post('/report', stream, { 'content-length': String(size) }), FORM_BODY_LIMIT);
    expect((res as Response).status).toBe(413);
    expect(await (res as Response).text()).toContain('提交的内容过大');
    // Every byte the browser sent was taken (and none kept) before the answer.
    expect(state.pulled).toBe(size);
    expect(state.ended).toBe(true);
  });

  it('refuses a declared length over the discard limit without reading a byte', async () => {
    const { stream, state } = endless();
    const res = await limitFormBody(post('/report', stream, { 'content-length': String(300 * 1024 * 1024) }), FORM_BODY_LIMIT);
    expect((res as Response).status).toBe(413);
    expect(await (res as Response).text()).toContain('提交的内容过大');
    // The stream may have been asked to fill its queue once, but nothing was consumed past that.
    expect(state.pulled).toBeLessThanOrEqual(16 * 1024);
  });

  it('hands a body within the limit on whole, with its headers', async () => {
    const body = `description=${encodeURIComponent('出站口有人拉客')}&phone=13912345678`;
    const res = await limitFormBody(post('/report', body, { cookie: 'receipt=1', origin: 'http://127.0.0.1:8787' }), FORM_BODY_LIMIT);
    expect(res).toBeInstanceOf(Request);
    const request = res as Request;
    expect(request.method).toBe('POST');
    expect(request.headers.get('cookie')).toBe('receipt=1');
    expect(request.headers.get('origin')).toBe('http://127.0.0.1:8787');
    const form = await request.formData();
    expect(form.get('description')).toBe('出站口有人拉客');
    expect(form.get('phone')).toBe('13912345678');
  });

  it('passes requests without a body through untouched', async () => {
    const get = new Request('http://127.0.0.1:8787/status?code=ABC');
    expect(await limitFormBody(get, FORM_BODY_LIMIT)).toBe(get);
  });
});
