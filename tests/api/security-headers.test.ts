import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';
import { form, json, makeCaseBody } from '../helpers/factories.ts';

const t = useTestApp();

/** What Hono's own middleware sets with the app's options, straight from it. */
async function expectedHeaders(): Promise<Array<[string, string]>> {
  const reference = new Hono().use(secureHeaders({ crossOriginResourcePolicy: 'same-site' })).get('/', (c) => c.text('x'));
  const res = await reference.request('/');
  return [...res.headers].filter(([name]) => name !== 'content-type');
}

describe('security headers on the API', () => {
  it('are the ones Hono sets, on answers, redirects and errors alike', async () => {
    const expected = await expectedHeaders();
    expect(expected.map(([n]) => n)).toEqual(expect.arrayContaining(['x-content-type-options', 'x-frame-options', 'strict-transport-security', 'cross-origin-resource-policy']));
    const responses = {
      meta: await t.app.request('/api/meta'),
      created: await t.app.request('/api/cases', json(makeCaseBody())),
      redirect: await t.app.request('/api/cases', form(Object.fromEntries(Object.entries(makeCaseBody()).map(([k, v]) => [k, String(v)])))),
      invalid: await t.app.request('/api/cases', json({})),
      notFound: await t.app.request('/api/cases/ABCDEFGHJK?phone4=1234'),
      noRoute: await t.app.request('/api/no-such-route'),
    };
    expect([responses.meta.status, responses.created.status, responses.redirect.status, responses.invalid.status, responses.notFound.status, responses.noRoute.status]).toEqual([
      200, 201, 303, 400, 404, 404,
    ]);
    for (const [what, res] of Object.entries(responses)) {
      for (const [name, value] of expected) expect(res.headers.get(name), `${what}: ${name}`).toBe(value);
      expect(res.headers.get('x-request-id'), what).toBeTruthy();
    }
  });
});
