/**
 * GeoReport v2's XML, written from the JSON answer by the Spark convention the
 * spec uses to relate the two: an object is an element of elements, an array
 * is a wrapper element of repeated singular elements (`services` → `service`),
 * null is an empty element and an absent field no element. Schemaless and
 * without a namespace, as the spec recommends.
 */
const ITEM_NAMES: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
  errors: 'error',
  notes: 'note',
  service_request_updates: 'request_update',
};

/** Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/FFFF) are dropped. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(text: string): string {
  return text.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function toXml(root: string, value: unknown): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element(root, value, '')}\n`;
}

function element(name: string, value: unknown, indent: string): string {
  if (value === undefined) return '';
  if (value === null || value === '') return `${indent}<${name}/>`;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const item = ITEM_NAMES[name];
    if (!item) throw new Error(`no XML item name for the list ${name}`);
    if (value.length === 0) return `${indent}<${name}/>`;
    return `${indent}<${name}>\n${value.map((v) => element(item, v, inner)).join('\n')}\n${indent}</${name}>`;
  }
  if (typeof value === 'object') {
    const children = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => element(k, v, inner))
      .filter(Boolean);
    if (children.length === 0) return `${indent}<${name}/>`;
    return `${indent}<${name}>\n${children.join('\n')}\n${indent}</${name}>`;
  }
  return `${indent}<${name}>${escapeXml(String(value))}</${name}>`;
}
