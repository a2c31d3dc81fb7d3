import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { expect } from 'vitest';

/*
 * The Open311 contract checks: every JSON answer against the JSON Schema
 * written from the GeoReport v2 spec (this folder), and its XML twin parsed
 * back and compared with what the spec's Spark convention says the JSON means
 * in XML. Written apart from the implementation, so they test it rather than
 * repeat it.
 */
export type SchemaName = 'discovery' | 'services' | 'service-definition' | 'service-requests' | 'request-created' | 'errors' | 'request-updates' | 'update-posted';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, strictRequired: false }));
const validators = new Map<SchemaName, ReturnType<Ajv2020['compile']>>();

export function validator(name: SchemaName) {
  let v = validators.get(name);
  if (!v) {
    v = ajv.compile(JSON.parse(readFileSync(join(import.meta.dirname, `${name}.schema.json`), 'utf8')));
    validators.set(name, v);
  }
  return v;
}

/** Fails with ajv's own account of what is wrong. */
export function expectValid(name: SchemaName, body: unknown) {
  const validate = validator(name);
  const ok = validate(body);
  if (!ok) throw new Error(`${name}.schema.json: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body, null, 2).slice(0, 2000)}`);
}

/** The spec's list element and the name of its items (GeoReport v2's XML examples). */
const ITEMS: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
  errors: 'error',
  notes: 'note',
  // mySociety's updates extension, as FixMyStreet's client parses it (GroupTags in Open311.pm).
  service_request_updates: 'request_update',
};
const ITEM_NAMES = new Set(Object.values(ITEMS));

const parser = new XMLParser({
  ignoreDeclaration: true,
  parseTagValue: false,
  ignoreAttributes: true,
  // A list item is a list even when there is one of it.
  isArray: (name, jpath) => {
    const parts = String(jpath).split('.');
    return ITEM_NAMES.has(name) && parts.length >= 2 && ITEMS[parts[parts.length - 2]!] === name;
  },
});

export function parseXml(text: string): Record<string, unknown> {
  expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  return parser.parse(text) as Record<string, unknown>;
}

/** What the JSON becomes in XML by the Spark convention, as the parser above reads it back (all text, trimmed). */
export function sparkXml(name: string, value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) {
    const item = ITEMS[name];
    if (!item) throw new Error(`no XML item name for ${name}`);
    return value.length ? { [item]: value.map((v) => sparkXml(item, v)) } : '';
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return entries.length ? Object.fromEntries(entries.map(([k, v]) => [k, sparkXml(k, v)])) : '';
  }
  return String(value).trim();
}

type Fetcher = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };

export interface BothFormats<T> {
  status: number;
  json: T;
  xml: Record<string, unknown>;
  jsonText: string;
  xmlText: string;
  headers: Headers;
}

/**
 * Asks for `path` (without its extension) as .json and as .xml, with the same
 * query and request, and checks: the status matches, the content types are the
 * spec's, the JSON passes `schema`, and the XML has root element `root` and
 * says exactly what the JSON says. For requests that change something, `init`
 * is a function so that each format gets its own (e.g. a fresh filing).
 */
export async function fetchBoth<T = unknown>(
  app: Fetcher,
  path: string,
  schema: SchemaName,
  root: string,
  init?: RequestInit | ((format: 'json' | 'xml') => RequestInit),
  query = '',
): Promise<BothFormats<T>> {
  const initFor = (format: 'json' | 'xml') => (typeof init === 'function' ? init(format) : init);
  const jsonRes = await app.request(`${path}.json${query}`, initFor('json'));
  const xmlRes = await app.request(`${path}.xml${query}`, initFor('xml'));
  expect(xmlRes.status).toBe(jsonRes.status);
  expect(jsonRes.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(xmlRes.headers.get('content-type')).toBe('text/xml; charset=utf-8');
  const jsonText = await jsonRes.text();
  const xmlText = await xmlRes.text();
  const json = JSON.parse(jsonText) as T;
  expectValid(schema, json);
  const xml = parseXml(xmlText);
  expect(Object.keys(xml)).toEqual([root]);
  // A POST files a new request per format, so ids and notices differ: compare the shape there.
  if (typeof init !== 'function') expect(xml[root]).toEqual(sparkXml(root, json));
  return { status: jsonRes.status, json, xml, jsonText, xmlText, headers: jsonRes.headers };
}

/** Asks for an error in both formats and checks the GeoReport error array and its XML. */
export async function expectErrorBoth(app: Fetcher, path: string, status: number, init?: RequestInit | ((format: 'json' | 'xml') => RequestInit), query = '') {
  const both = await fetchBoth<Array<{ code: number; description: string }>>(app, path, 'errors', 'errors', init, query);
  expect(both.status).toBe(status);
  if (typeof init === 'function') expect(both.xml.errors).toEqual(sparkXml('errors', both.json));
  return both.json;
}
