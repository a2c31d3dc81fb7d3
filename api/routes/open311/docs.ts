import { z } from '@hono/zod-openapi';
import type { Open311Router } from '../routers.ts';
import {
  GeoReportCreated,
  GeoReportDiscovery,
  GeoReportErrors,
  GeoReportRequests,
  GeoReportRequestsQuery,
  GeoReportRequestUpdates,
  GeoReportServiceDefinition,
  GeoReportServices,
  GeoReportUpdatePosted,
} from './schemas.ts';

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
    phone: z
      .string()
      .optional()
      .openapi({ description: 'Optional: with one the office texts the tracking code and can call; without one the filing app is the citizen’s channel. Never published' }),
    email: z.string().optional(),
    first_name: z.string().optional(),
    last_name: z.string().optional(),
    lat: z.string().optional(),
    long: z.string().optional(),
    address_string: z.string().optional(),
    address_id: z.string().optional().openapi({ description: 'Same keys as attribute[location]' }),
    media_url: z.string().optional().openapi({ description: 'Kept for staff' }),
    media: z.string().optional().openapi({
      format: 'binary',
      description:
        'Sent multipart: up to 3 photos (JPEG, PNG, WebP or HEIC, 10 MB each, the type read from the bytes), re-encoded without metadata and private to staff until staff make one public; then it is the request’s media_url. A file part under any other name is refused with a 400',
    }),
  })
  .catchall(z.string())
  .openapi('GeoReportSubmission', { description: 'Any other attribute[code] is kept on the case for staff (at most 30)' });

const UpdateBody = z
  .object({
    api_key: z.string().openapi({ description: 'The key that filed the request' }),
    service_request_id: z.string(),
    update_id: z.string().openapi({ description: 'The client’s own id: the same (api_key, update_id) again answers the first update_id and adds nothing' }),
    updated_datetime: z.string().optional(),
    status: z.string().optional().openapi({ example: 'OPEN' }),
    description: z.string().openapi({ description: 'Up to 4,000 characters; may be left out when media_url is given' }),
    media_url: z.string().optional(),
    first_name: z.string().optional().openapi({ description: 'Accepted and not kept (as last_name, email, phone)' }),
  })
  .openapi('GeoReportUpdateSubmission');
const UpdatesQuery = z.object({
  start_date: z.string().optional().openapi({ description: 'W3C datetime; with end_date at most 90 days apart; neither: the last 24 hours' }),
  end_date: z.string().optional(),
  api_key: z.string().optional().openapi({ description: 'The key that filed a request reads the office’s words with its updates' }),
  page: z.string().optional(),
  page_size: z.string().optional().openapi({ description: '1–1000, default 1000' }),
});

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
    open311.openAPIRegistry.registerPath({
      method: 'get',
      path: at('/servicerequestupdates'),
      tags,
      summary: 'Updates: the office’s public steps (replies, status changes), oldest first (mySociety extension)',
      description: 'One update per public timeline step; never ratings, internal notes or what citizens posted, never reporter data.',
      request: { query: UpdatesQuery },
      responses: answers(GeoReportRequestUpdates, 'The updates (root service_request_updates, items request_update in XML)', [400]),
    });
    open311.openAPIRegistry.registerPath({
      method: 'post',
      path: at('/servicerequestupdates'),
      tags,
      summary: 'Post a citizen’s update to a request this key filed (mySociety extension)',
      description: 'Goes on the case timeline for staff and is mailed to the lead department; answers the update’s id.',
      request: { body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: UpdateBody } } } },
      responses: answers(GeoReportUpdatePosted, 'Received: the update id', [400, 403, 404, 413]),
    });
  }
}
