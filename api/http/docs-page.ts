import { html, raw } from 'hono/html';

type Doc = {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation | undefined> | undefined>;
};
type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: unknown }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * The browsable contract: rendered on the server from the same OpenAPI document
 * as /api/openapi.json, with no script or CDN, so it works offline and on Workers.
 */
export function docsPage(doc: Doc) {
  const ops = Object.entries(doc.paths ?? {}).flatMap(([path, item]) => METHODS.filter((m) => item?.[m]).map((m) => ({ path, method: m, op: item?.[m] as Operation })));
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${doc.info.title} ${doc.info.version}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1a1a1a}
h1{font-size:1.6rem}section{border:1px solid #ccd;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
.m{display:inline-block;min-width:4rem;font-weight:700;text-transform:uppercase}.get{color:#05603a}.post{color:#1d4ed8}
code,pre{font:13px/1.4 ui-monospace,monospace}pre{background:#f4f5f7;padding:.5rem;overflow:auto;max-height:24rem}
summary{cursor:pointer}
</style>
</head>
<body>
<h1>${doc.info.title} <small>${doc.info.version}</small></h1>
<p>${doc.info.description ?? ''}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a></p>
${ops.map(
  ({ path, method, op }) => html`<section id="${method}-${path}">
<h2><span class="m ${method}">${method}</span> <code>${path}</code></h2>
<p>${op.summary ?? ''}</p>${op.description ? html`<p>${op.description}</p>` : ''}
${op.parameters?.length ? html`<h3>Parameters</h3><ul>${op.parameters.map((p) => html`<li><code>${p.name}</code> (${p.in}${p.required ? ', required' : ''})</li>`)}</ul>` : ''}
${op.requestBody?.content ? html`<details><summary>Request body: ${Object.keys(op.requestBody.content).join(', ')}</summary><pre>${json(Object.values(op.requestBody.content)[0]?.schema)}</pre></details>` : ''}
<h3>Responses</h3><ul>${Object.entries(op.responses ?? {}).map(([status, r]) => html`<li><strong>${status}</strong> ${r.description ?? ''}${r.content ? html`<details><summary>schema</summary><pre>${json(Object.values(r.content)[0]?.schema)}</pre></details>` : ''}</li>`)}</ul>
</section>`,
)}
</body></html>`;
}

function json(value: unknown) {
  return raw(escapeHtml(JSON.stringify(value, null, 2) ?? ''));
}

function escapeHtml(s: string) {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
