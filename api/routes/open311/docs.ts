import { z } from '@hono/zod-openapi';
import type { Open311Router } from '../routers.ts';
import { GeoReportCreated, GeoReportDiscovery, GeoReportErrors, GeoReportRequests, GeoReportRequestsQuery, GeoReportServiceDefinition, GeoReportServices } from './schemas.ts';

/*
 * The GeoReport routes in /api/openapi.json. They are plain Hono routes (a
 * path segment like `{service_code}.json` is beyond the zod-openapi router),
 * so their contracts are registered here, one path per format.
 */
type Schema = z.ZodType;

const answers = (schema: Schema, description: string, errors: Array<400 | 403 | 404 | 413 | 429>) => ({
  200: {
    description: `${description} — JSON here; the .xml path answers the same as text/xml (Spark convention).`,
    content: { 'application/json': { schema }, 'text/xml': { schema: z.string() } },
  },
  ...Object.fromEntries(errors.map((s) => [s, { description: 'GeoReport error array', content: { 'application/json': { schema: GeoReportErrors }, 'text/xml': { schema: z.string() } } }])),
});

const FormBody = z
  .object({
    api_key: z.string().openapi({ description: 'Issued by the office’s admins' }),
    service_code: z.string(),
    'attribute[station]': z.string().openapi({ example: 'TJ' }),
    'attribute[location]': z.string().optional().openapi({ example: 'TJ:front_square' }),
    'attribute[kind]': z.string().optional().openapi({ example: 'complaint' }),
    description: z.string().openapi({ description: 'Required here; up to 4,000 characters' }),
    phone: z.string().openapi({ description: 'Required by this office (tracking code by SMS, first contact); never published' }),
    email: z.string().optional(),
    first_name: z.string().optional(),
    last_name: z.string().optional(),
    lat: z.string().optional(),
    long: z.string().optional(),
    address_string: z.string().optional(),
    address_id: z.string().optional().openapi({ description: 'Same keys as attribute[location]' }),
    media_url: z.string().optional(),
  })
  .openapi('GeoReportSubmission');

const Params = (name: string) => z.object({ [name]: z.string().openapi({ param: { name, in: 'path' } }) });
const Extensions = z.object({
  extensions: z
    .string()
    .optional()
    .openapi({ param: { name: 'extensions', in: 'query' }, description: 'true: extended_attributes, and notes for the filing key' }),
  api_key: z
    .string()
    .optional()
    .openapi({ param: { name: 'api_key', in: 'query' }, description: 'Optional: the key that filed the request sees its reply and timeline' }),
});

/** What every reader of requests is told about ids and who sees what. */
const READING =
  'Ids are public ids (random UUIDs), never tracking codes: a tracking code is half of the citizen’s status-lookup secret, and asked for as an id it finds nothing. ' +
  'Anyone sees a request’s service, station and place (and the coordinates the filing app sent), its status with status_notes in neutral words, and its times. ' +
  'Its reply, return reason, department, kind and public timeline (notes) go only to the api_key that filed it; any other key, a revoked one or none sees the public view. ' +
  'Never any reporter data: description is always null.';

/** Paths are relative to the Open311 router's mount. */
export function documentGeoReport(open311: Open311Router) {
  const tags = ['open311'];
  for (const format of ['json', 'xml'] as const) {
    const at = (path: string) => `${path}.${format}`;
    open311.openAPIRegistry.registerPath({ method: 'get', path: at('/discovery'), tags, summary: 'Service discovery', responses: answers(GeoReportDiscovery, 'The endpoints', []) });
    open311.openAPIRegistry.registerPath({ method: 'get', path: at('/services'), tags, summary: 'Services (the categories)', responses: answers(GeoReportServices, 'The services', [400]) });
    open311.openAPIRegistry.registerPath({
      method: 'get',
      path: at('/services/{service_code}'),
      tags,
      summary: 'A service definition: station (required), location and kind',
      request: { params: Params('service_code') },
      responses: answers(GeoReportServiceDefinition, 'The definition', [404]),
    });
    open311.openAPIRegistry.registerPath({
      method: 'get',
      path: at('/requests'),
      tags,
      summary: 'Service requests (cases), newest first',
      description: `Defaults to the last 90 days and at most 1,000 requests. ${READING}`,
      request: { query: GeoReportRequestsQuery },
      responses: answers(GeoReportRequests, 'The requests', [400]),
    });
    open311.openAPIRegistry.registerPath({
      method: 'post',
      path: at('/requests'),
      tags,
      summary: 'File a service request (needs an api_key)',
      description:
        'Answers the new request’s public id. service_notice is the citizen’s receipt and carries the tracking code: this answer goes only to the filing client, never to a reader of requests.',
      request: { body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: FormBody } } } },
      responses: answers(GeoReportCreated, 'Filed: the public id, and the citizen’s receipt as service_notice', [400, 403, 404, 413, 429]),
    });
    open311.openAPIRegistry.registerPath({
      method: 'get',
      path: at('/requests/{service_request_id}'),
      tags,
      summary: 'One service request',
      description: `An unknown id, a malformed one or a tracking code is a 404. ${READING}`,
      request: { params: Params('service_request_id'), query: Extensions },
      responses: answers(GeoReportRequests, 'A list of one request', [404]),
    });
  }
}
