import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../context.ts';
import { readRequestFilters } from '../../domain/open311/filters.ts';
import { mediaPhotos, refuseUnhandledMediaParts } from '../../domain/open311/media.ts';
import { postRequestUpdate } from '../../domain/open311/post-update.ts';
import { getRequest, queryRequests } from '../../domain/open311/requests.ts';
import { getDiscovery, getServiceDefinition, listServices } from '../../domain/open311/services.ts';
import { type FilingQuota, type SubmitInput, submitRequest } from '../../domain/open311/submit.ts';
import { listRequestUpdates, readUpdateFilters } from '../../domain/open311/updates.ts';
import { PHOTO_FORM_BODY_LIMIT } from '../../domain/photos/limits.ts';
import { DomainError } from '../../errors.ts';
import { limitBody } from '../../http/body-limit.ts';
import { t } from '../../i18n.ts';
import type { RouteGuards } from '../guards.ts';
import type { Open311Router } from '../routers.ts';
import { definitionWire, discoveryWire, requestWire, serviceWire, updateWire } from './present.ts';
import { send, sendErrors } from './respond.ts';

/**
 * Open311 GeoReport v2 under /open311/v2: discovery, services, a service's
 * definition, requests (read and file) and one request, each as `.json` or
 * `.xml`, on the Open311 router (its errors in GeoReport's error array). The
 * contracts are documented in the OpenAPI document by documentGeoReport().
 */
export const OPEN311_BASE = '/open311/v2';
/** A 4,000-character description (the spec's limit) in Chinese is ~36 kB form-encoded. */
export const OPEN311_BODY_LIMIT = 64 * 1024;

const FORMATS = ['json', 'xml'] as const;
/** `{code}.json` or `{code}.xml` as the last path segment. */
const FILE = ':file{[^/]+\\.(?:json|xml)}';
const stem = (file: string) => file.replace(/\.(json|xml)$/, '');

const limitForm = limitBody(OPEN311_BODY_LIMIT);
/** A new request sent multipart may carry its photos as `media` parts (three of 10 MB). */
const limitWithMedia = limitBody(PHOTO_FORM_BODY_LIMIT);
const limitRequestForm: MiddlewareHandler<AppEnv> = (c, next) => ((c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/') ? limitWithMedia(c, next) : limitForm(c, next));
const formOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) {
    throw new DomainError('invalid_input', 'open311.content_type');
  }
  await next();
};

/** The form's fields and its file parts, form-encoded (no files) or multipart. */
async function readFormParts(c: Context<AppEnv>): Promise<{ fields: Array<[string, string]>; files: Array<{ field: string; file: File }> }> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (!type.startsWith('multipart/')) return { fields: [...new URLSearchParams(await c.req.text())], files: [] };
  const form = await c.req.formData();
  const files: Array<{ field: string; file: File }> = [];
  const fields: Array<[string, string]> = [];
  for (const [key, value] of form) {
    if (typeof value === 'string') fields.push([key, value]);
    else files.push({ field: key, file: value });
  }
  return { fields, files };
}

/** The form as a list of fields, form-encoded or multipart; a multipart file part is refused, never dropped (see media.ts). */
export async function readForm(c: Context<AppEnv>): Promise<Iterable<[string, string]>> {
  const { fields, files } = await readFormParts(c);
  refuseUnhandledMediaParts(c.get('ctx'), files);
  return fields;
}

/** The form as GeoReport sends it: blank fields are absent; attribute[code] (or attribute[code][]) gathered by code. */
async function readSubmission(c: Context<AppEnv>): Promise<SubmitInput> {
  const { fields: entries, files } = await readFormParts(c);
  // `media` parts are the request's photos; any other file part is refused (media.ts).
  const photos = await mediaPhotos(c.get('ctx'), files);
  const fields = new Map<string, string>();
  const attributes = new Map<string, string[]>();
  for (const [key, raw] of entries) {
    if (raw.trim() === '') continue;
    const value = raw.trim();
    const attribute = /^attribute\[([^\]]+)\](\[\])?$/.exec(key);
    if (attribute) attributes.set(attribute[1]!, [...(attributes.get(attribute[1]!) ?? []), value]);
    else if (!fields.has(key)) fields.set(key, value);
  }
  const get = (k: string) => fields.get(k);
  return {
    // In the body, as the spec shows; a query parameter is accepted too.
    apiKey: get('api_key') ?? c.req.query('api_key'),
    serviceCode: get('service_code'),
    attributes,
    description: get('description'),
    phone: get('phone'),
    email: get('email'),
    firstName: get('first_name'),
    lastName: get('last_name'),
    lat: get('lat'),
    long: get('long'),
    addressString: get('address_string'),
    addressId: get('address_id'),
    mediaUrl: get('media_url'),
    photos,
  };
}

/** A key's filings per hour, in the shared rate limiter under its own name (not the public intake's per-address budget). */
const filingQuota =
  (c: Context<AppEnv>): FilingQuota =>
  (key) =>
    c.get('limiter').hit('open311-key', key.id, key.hourlyQuota, 3600_000);

const extensionsOf = (c: Context<AppEnv>) => (c.req.query('extensions') ?? '').trim().toLowerCase() === 'true';
/** Reads need no key; a live one shows its client the replies and timelines of the requests it filed. */
const readerKey = (c: Context<AppEnv>) => c.req.query('api_key');

/** Paths are relative to OPEN311_BASE, where the router is mounted. */
export function registerGeoReportRoutes(open311: Open311Router, _guards: RouteGuards) {
  for (const format of FORMATS) {
    open311.get(`/discovery.${format}`, async (c) => send(c, 'discovery', discoveryWire(await getDiscovery({ ctx: c.get('ctx') }))));

    open311.get(`/services.${format}`, async (c) => send(c, 'services', (await listServices({ ctx: c.get('ctx') })).map(serviceWire)));

    open311.get(`/requests.${format}`, async (c) => {
      const filters = await readRequestFilters({ ctx: c.get('ctx'), query: c.req.queries() });
      const found = await queryRequests({ ctx: c.get('ctx'), input: { ...filters, apiKey: readerKey(c) } });
      return send(
        c,
        'service_requests',
        found.map((r) => requestWire(r, filters.extensions)),
      );
    });

    // No per-address budget here: each key has its own hourly quota, taken only by a valid filing.
    open311.post(`/requests.${format}`, limitRequestForm, formOnly, async (c) => {
      const filed = await submitRequest({ ctx: c.get('ctx'), input: await readSubmission(c), quota: filingQuota(c) });
      return send(c, 'service_requests', [{ service_request_id: filed.publicId, service_notice: filed.notice }]);
    });
  }

  for (const format of FORMATS) {
    // mySociety's extension, as FixMyStreet's Open311 client reads and posts it.
    open311.get(`/servicerequestupdates.${format}`, async (c) => {
      const filters = readUpdateFilters({ ctx: c.get('ctx'), query: c.req.queries() });
      const updates = await listRequestUpdates({ ctx: c.get('ctx'), input: { ...filters, apiKey: readerKey(c) } });
      return send(c, 'service_request_updates', updates.map(updateWire));
    });

    open311.post(`/servicerequestupdates.${format}`, limitForm, formOnly, async (c) => {
      const fields = new Map<string, string>();
      for (const [key, value] of await readForm(c)) if (value.trim() !== '' && !fields.has(key)) fields.set(key, value.trim());
      const get = (k: string) => fields.get(k);
      const posted = await postRequestUpdate({
        ctx: c.get('ctx'),
        input: {
          apiKey: get('api_key') ?? c.req.query('api_key'),
          requestId: get('service_request_id'),
          updateId: get('update_id'),
          updatedAt: get('updated_datetime'),
          status: get('status'),
          description: get('description'),
          mediaUrl: get('media_url'),
        },
      });
      return send(c, 'service_request_updates', [{ update_id: posted.updateId }]);
    });
  }

  open311.get(`/services/${FILE}`, async (c) => send(c, 'service_definition', definitionWire(await getServiceDefinition({ ctx: c.get('ctx'), input: { code: stem(c.req.param('file')) } }))));

  open311.get(`/requests/${FILE}`, async (c) => {
    const extensions = extensionsOf(c);
    const found = await getRequest({ ctx: c.get('ctx'), input: { id: stem(c.req.param('file')), extensions, apiKey: readerKey(c) } });
    return send(c, 'service_requests', [requestWire(found, extensions)]);
  });

  // Anything else under the prefix is a GeoReport 404, not the app's envelope.
  open311.all('*', (c) => sendErrors(c, 404, [{ code: 404, description: t(c.get('lang') ?? 'zh-CN', 'route_not_found') }]));
}
