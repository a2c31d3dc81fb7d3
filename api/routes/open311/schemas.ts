import { z } from '@hono/zod-openapi';

/*
 * Wire shapes of GeoReport v2 (JSON; the XML carries the same by the Spark
 * convention), and of the staff API that issues the keys. Field names are the
 * spec's own, snake_case.
 */

const W3cTime = z.string().openapi({ example: '2026-03-05T14:30:00+08:00' });

export const GeoReportError = z.object({ code: z.number().int(), description: z.string() });
export const GeoReportErrors = z.array(GeoReportError).openapi('GeoReportErrors', {
  description: 'Errors: 400 bad input, 403 missing/invalid/revoked api_key, 404 unknown service or request, 429 too many filings',
});

export const GeoReportDiscovery = z
  .object({
    changeset: W3cTime,
    contact: z.string(),
    key_service: z.string(),
    endpoints: z.array(
      z.object({
        specification: z.literal('http://wiki.open311.org/GeoReport_v2'),
        url: z.string(),
        changeset: W3cTime,
        type: z.enum(['production', 'test']),
        formats: z.array(z.enum(['text/xml', 'application/json'])),
      }),
    ),
  })
  .openapi('GeoReportDiscovery');

export const GeoReportService = z
  .object({
    service_code: z.string().openapi({ example: 'illegal_taxi' }),
    service_name: z.string(),
    description: z.string(),
    metadata: z.boolean(),
    type: z.enum(['realtime', 'batch', 'blackbox']),
    keywords: z.string(),
    group: z.string(),
  })
  .openapi('GeoReportService');
export const GeoReportServices = z.array(GeoReportService);

export const GeoReportServiceDefinition = z
  .object({
    service_code: z.string(),
    attributes: z.array(
      z.object({
        variable: z.boolean(),
        code: z.string(),
        datatype: z.enum(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist']),
        required: z.boolean(),
        datatype_description: z.string().nullable(),
        order: z.number().int().positive(),
        description: z.string(),
        values: z.array(z.object({ key: z.string(), name: z.string() })).optional(),
      }),
    ),
  })
  .openapi('GeoReportServiceDefinition');

export const GeoReportNote = z.object({ datetime: W3cTime, type: z.string(), summary: z.string(), description: z.string().optional() });

export const GeoReportRequest = z
  .object({
    service_request_id: z.string().openapi({
      example: '3f1c9a52-7d4e-4b8a-9c61-2e5f0b7d8a14',
      description: 'The case’s public id: random, never its tracking code and not derived from it',
    }),
    status: z.enum(['open', 'closed']),
    status_notes: z.string().optional().openapi({
      description: 'The status in words; for the api_key that filed the request, the office’s reply, the return reason or the request it duplicates',
    }),
    service_name: z.string(),
    service_code: z.string(),
    description: z.null().openapi({ description: 'Not published: the reporter’s own words stay with the office' }),
    agency_responsible: z.string().optional().openapi({ description: 'The lead department, for the api_key that filed the request' }),
    requested_datetime: W3cTime,
    updated_datetime: W3cTime,
    expected_datetime: W3cTime.optional(),
    address: z.string().optional(),
    address_id: z.string().optional(),
    lat: z.number().optional(),
    long: z.number().optional(),
    media_url: z.string().optional().openapi({ description: 'The first photo staff have made public (checked for faces and number plates); photos stay private otherwise' }),
    extended_attributes: z
      .object({ detailed_status: z.string(), station: z.string(), kind: z.string().optional() })
      .optional()
      .openapi({ description: 'With extensions=true; kind only for the api_key that filed the request' }),
    notes: z.array(GeoReportNote).optional().openapi({ description: 'With extensions=true, for the api_key that filed the request: the public timeline' }),
  })
  .openapi('GeoReportRequest');
export const GeoReportRequests = z.array(GeoReportRequest);

export const GeoReportCreated = z.array(z.object({ service_request_id: z.string(), service_notice: z.string().optional() })).openapi('GeoReportCreated');

export const GeoReportRequestUpdate = z
  .object({
    update_id: z.string().openapi({ description: 'Stable and unique: the timeline step’s id' }),
    service_request_id: z.string(),
    status: z.string().openapi({ description: 'open, in_progress, closed, duplicate or no_further_action (the words FixMyStreet maps)' }),
    updated_datetime: W3cTime,
    description: z.string().openapi({ description: 'The step; for the api_key that filed the request, with the office’s words (the reply, a return reason)' }),
  })
  .openapi('GeoReportRequestUpdate');
export const GeoReportRequestUpdates = z.array(GeoReportRequestUpdate);
export const GeoReportUpdatePosted = z.array(z.object({ update_id: z.string() })).openapi('GeoReportUpdatePosted');

/** The query of GET requests, for the contract; the domain reads and checks it. */
export const GeoReportRequestsQuery = z.object({
  service_request_id: z.string().optional().openapi({ description: 'Comma-separated public ids (a tracking code matches nothing); overrides the other filters' }),
  api_key: z
    .string()
    .optional()
    .openapi({ description: 'Optional: the key that filed a request sees its reply, department, kind and timeline; any other key, a revoked one or none sees the public view' }),
  service_code: z.string().optional().openapi({ description: 'Comma-separated service codes' }),
  start_date: z.string().optional().openapi({ description: 'W3C datetime with a time zone, or a date (Asia/Shanghai); at most 90 days before end_date' }),
  end_date: z.string().optional(),
  status: z.string().optional().openapi({ description: 'open, closed, or both comma-separated' }),
  updated_after: z.string().optional().openapi({ description: 'Extension: updated_datetime after this' }),
  updated_before: z.string().optional().openapi({ description: 'Extension: updated_datetime before this' }),
  page: z.string().optional().openapi({ description: 'Extension: page number, from 1' }),
  page_size: z.string().optional().openapi({ description: 'Extension: 1–1000, default 1000' }),
  extensions: z.string().optional().openapi({ description: 'Extension: true adds extended_attributes and notes' }),
  lang: z.string().optional().openapi({ description: 'zh-CN (default) or en; Accept-Language works too' }),
});

// The staff API for keys: its wire schemas are the contract's (api/contract/wire/admin.ts), shared with the site.
export { ApiKey, ApiKeyList, ApiKeyParams, IssueApiKeyBody, IssuedApiKey } from '../../contract/wire/admin.ts';
