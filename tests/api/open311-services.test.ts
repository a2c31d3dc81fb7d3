import { describe, expect, it } from 'vitest';
import { CATEGORIES, LOCATIONS, STATIONS } from '../../db/seed/reference.ts';
import { expectErrorBoth, fetchBoth } from '../contracts/open311/contract.ts';
import { useTestApp } from '../helpers/app.ts';

/*
 * Open311 discovery, the service list and service definitions: read-only,
 * answered from the seeded reference data, so rows of other test files cannot
 * disturb them.
 */
const t = useTestApp({ env: { PUBLIC_BASE_URL: 'https://hotline.example.cn' } });
const V2 = '/open311/v2';

type Service = { service_code: string; service_name: string; description: string; metadata: boolean; type: string; keywords: string; group: string };
type Attribute = { variable: boolean; code: string; datatype: string; required: boolean; order: number; description: string; values?: Array<{ key: string; name: string }> };

describe('discovery', () => {
  it('names the GeoReport v2 endpoint at PUBLIC_BASE_URL with both formats, in JSON and XML', async () => {
    const { json } = await fetchBoth<{ changeset: string; contact: string; key_service: string; endpoints: Array<Record<string, unknown>> }>(
      t.app,
      `${V2}/discovery`,
      'discovery',
      'discovery',
    );
    expect(json.endpoints).toEqual([
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: 'https://hotline.example.cn/open311/v2',
        changeset: json.changeset,
        type: 'production',
        formats: ['text/xml', 'application/json'],
      },
    ]);
    expect(json.changeset).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(json.key_service).toContain('https://hotline.example.cn');
    expect(json.contact).toContain('https://hotline.example.cn');
  });

  it('speaks the caller’s language', async () => {
    const zh = await (await t.app.request(`${V2}/discovery.json`)).json();
    const en = await (await t.app.request(`${V2}/discovery.json?lang=en`)).json();
    expect(zh.key_service).toMatch(/密钥/);
    expect(en.key_service).toMatch(/API keys/);
  });
});

describe('services', () => {
  it('lists every category as a realtime service with metadata, localized', async () => {
    const { json } = await fetchBoth<Service[]>(t.app, `${V2}/services`, 'services', 'services', undefined, '?lang=en');
    const codes = json.map((s) => s.service_code);
    expect(codes).toEqual(expect.arrayContaining(CATEGORIES.map((c) => c.code)));
    const taxi = json.find((s) => s.service_code === 'illegal_taxi')!;
    expect(taxi).toEqual({
      service_code: 'illegal_taxi',
      service_name: 'Illegal taxis',
      description: 'Illegal taxis (handled by Enforcement Section 2)',
      metadata: true,
      type: 'realtime',
      keywords: 'illegal_taxi, 非法营运（黑出租）, Illegal taxis',
      group: 'Enforcement Section 2',
    });
    const zh = await fetchBoth<Service[]>(t.app, `${V2}/services`, 'services', 'services', { headers: { 'accept-language': 'zh-CN' } });
    expect(zh.json.find((s) => s.service_code === 'illegal_taxi')!.service_name).toBe('非法营运（黑出租）');
  });

  it('answers the XML as the spec’s <services><service>…', async () => {
    const { xmlText } = await fetchBoth(t.app, `${V2}/services`, 'services', 'services');
    expect(xmlText).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<services>\n {2}<service>\n {4}<service_code>touting<\/service_code>/);
  });
});

describe('service definitions', () => {
  it('offers station (required), location (keyed by station) and kind (default complaint), and says why a phone is needed', async () => {
    const { json } = await fetchBoth<{ service_code: string; attributes: Attribute[] }>(
      t.app,
      `${V2}/services/illegal_taxi`,
      'service-definition',
      'service_definition',
      undefined,
      '?lang=en',
    );
    expect(json.service_code).toBe('illegal_taxi');
    const byCode = new Map(json.attributes.map((a) => [a.code, a]));
    expect([...byCode.keys()]).toEqual(['contact_notice', 'station', 'location', 'kind']);
    // Orders are distinct positive integers, as the spec asks.
    expect(new Set(json.attributes.map((a) => a.order)).size).toBe(json.attributes.length);

    expect(byCode.get('contact_notice')).toMatchObject({ variable: false, required: false, datatype: 'string' });
    expect(byCode.get('contact_notice')!.description).toMatch(/phone/);
    expect(byCode.get('contact_notice')!.values).toBeUndefined();

    const station = byCode.get('station')!;
    expect(station).toMatchObject({ variable: true, required: true, datatype: 'singlevaluelist' });
    expect(station.values).toEqual(expect.arrayContaining(STATIONS.map((s) => ({ key: s.code, name: s.nameEn }))));

    const location = byCode.get('location')!;
    expect(location).toMatchObject({ variable: true, required: false, datatype: 'singlevaluelist' });
    expect(location.values).toContainEqual({ key: 'TJ:front_square', name: 'Tianjin Station · Front square' });
    expect(location.values).toContainEqual({ key: 'BJN:north_square', name: 'Beijing South Station · North square' });
    expect(location.values!.length).toBeGreaterThanOrEqual(Object.values(LOCATIONS).flat().length);

    const kind = byCode.get('kind')!;
    expect(kind).toMatchObject({ variable: true, required: false, datatype: 'singlevaluelist' });
    expect(kind.values!.map((v) => v.key)).toEqual(['consult', 'help', 'complaint', 'report', 'suggestion']);
    expect(JSON.stringify(kind)).toMatch(/complaint/);
  });

  it('answers the XML as <service_definition><attributes><attribute>…<values><value>', async () => {
    const { xml } = await fetchBoth(t.app, `${V2}/services/touting`, 'service-definition', 'service_definition');
    const attributes = (xml.service_definition as { attributes: { attribute: Array<{ code: string; values?: { value: unknown[] } }> } }).attributes.attribute;
    expect(attributes.map((a) => a.code)).toEqual(['contact_notice', 'station', 'location', 'kind']);
    expect(attributes[1]!.values!.value.length).toBeGreaterThanOrEqual(3);
  });

  it('is a 404 error array for an unknown service code, in both formats', async () => {
    const errors = await expectErrorBoth(t.app, `${V2}/services/no_such_service`, 404);
    expect(errors).toEqual([{ code: 404, description: expect.stringContaining('no_such_service') }]);
  });
});

describe('the rest of /open311/v2', () => {
  it('answers an unknown path or format with a GeoReport 404, not the app’s envelope', async () => {
    const xml = await t.app.request(`${V2}/nothing.xml`);
    expect(xml.status).toBe(404);
    expect(xml.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(await xml.text()).toContain('<errors>');
    const json = await t.app.request(`${V2}/services.html`);
    expect(json.status).toBe(404);
    expect(json.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    const jsonErr = await t.app.request(`${V2}/tokens/123.json`);
    expect(await jsonErr.json()).toEqual([{ code: 404, description: expect.any(String) }]);
  });

  it('lets browsers of other origins read it (CORS)', async () => {
    const res = await t.app.request(`${V2}/services.json`, { headers: { origin: 'https://civic.example.org' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('is in the OpenAPI document, both formats of every path', async () => {
    const doc = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const format of ['json', 'xml']) {
      expect(doc.paths[`/open311/v2/discovery.${format}`]).toHaveProperty('get');
      expect(doc.paths[`/open311/v2/services.${format}`]).toHaveProperty('get');
      expect(doc.paths[`/open311/v2/services/{service_code}.${format}`]).toHaveProperty('get');
      expect(doc.paths[`/open311/v2/requests.${format}`]).toHaveProperty('get');
      expect(doc.paths[`/open311/v2/requests.${format}`]).toHaveProperty('post');
      expect(doc.paths[`/open311/v2/requests/{service_request_id}.${format}`]).toHaveProperty('get');
      expect(doc.paths[`/open311/v2/servicerequestupdates.${format}`]).toHaveProperty('get');
      expect(doc.paths[`/open311/v2/servicerequestupdates.${format}`]).toHaveProperty('post');
    }
    expect(doc.paths['/api/staff/admin/api-keys']).toHaveProperty('post');
  });
});
