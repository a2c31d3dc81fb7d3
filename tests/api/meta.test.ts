import { describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { Health, Meta } from '../../api/routes/public/schemas.ts';
import { testConfig, useTestApp } from '../helpers/app.ts';

const t = useTestApp();

describe('GET /api/health', () => {
  it('reports the database', async () => {
    const res = await t.app.request('/api/health');
    expect(res.status).toBe(200);
    expect(Health.parse(await res.json())).toEqual({ status: 'ok', db: 'ok' });
  });
});

describe('GET /api/meta', () => {
  it('lists the stations, kinds, categories and locations in Chinese by default', async () => {
    const res = await t.app.request('/api/meta');
    expect(res.status).toBe(200);
    const meta = Meta.parse(await res.json());
    expect(meta.stations.map((s) => s.code)).toEqual(['TJ', 'TJN', 'BJN']);
    expect(meta.stations[0]!.name).toBe('天津站');
    expect(meta.kinds.map((k) => k.name)).toEqual(['咨询', '求助', '投诉', '举报', '建议']);
    expect(meta.categories.map((c) => c.code)).toEqual(expect.arrayContaining(['touting', 'illegal_taxi', 'peddling', 'street_stall', 'parking', 'sanitation', 'taxi_dispatch']));
    const tj = meta.locations.filter((l) => l.station === 'TJ').map((l) => l.code);
    expect(tj).toEqual(expect.arrayContaining(['front_square', 'rear_square', 'intercity_square', 'taxi_dispatch', 'metro_transfer']));
    expect(meta.locations.every((l) => ['TJ', 'TJN', 'BJN'].includes(l.station))).toBe(true);
  });

  it('speaks English by lang or Accept-Language', async () => {
    const byQuery = Meta.parse(await (await t.app.request('/api/meta?lang=en')).json());
    expect(byQuery.stations[1]!.name).toBe('Tianjin South Station');
    const byHeader = Meta.parse(await (await t.app.request('/api/meta', { headers: { 'accept-language': 'en-US' } })).json());
    expect(byHeader.kinds[2]!.name).toBe('Complaint');
  });

  it('says what a dissatisfied rating does under the configured DISSATISFIED_ACTION', async () => {
    // The default flags the case for review; the home page's promise is read from here.
    expect(Meta.parse(await (await t.app.request('/api/meta')).json()).dissatisfiedAction).toBe('flag');
    for (const action of ['flag', 'reopen'] as const) {
      const app = createApp({ config: testConfig({ DISSATISFIED_ACTION: action }), database: () => t.db });
      const meta = Meta.parse(await (await app.request('/api/meta?lang=en')).json());
      expect(meta.dissatisfiedAction, action).toBe(action);
    }
  });

  it('refuses a language it does not have', async () => {
    const res = await t.app.request('/api/meta?lang=fr');
    expect(res.status).toBe(400);
    expect(ErrorEnvelope.parse(await res.json()).error.code).toBe('invalid_input');
  });
});

describe('the contract documents', () => {
  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const res = await t.app.request('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/meta', '/api/cases', '/api/cases/{trackingCode}']));
    expect(Object.keys(doc.paths['/api/cases']!)).toContain('post');
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['CreateCase', 'CreatedCase', 'PublicCase', 'Error']));
  });

  it('serves a browsable page of it', async () => {
    const res = await t.app.request('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('/api/cases/{trackingCode}');
    expect(html).toContain('File a case');
  });

  it('answers unknown API paths in the envelope', async () => {
    const res = await t.app.request('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(ErrorEnvelope.parse(await res.json()).error.code).toBe('not_found');
  });
});
