import type { z } from '@hono/zod-openapi';
import { toShanghaiIso } from '../../domain/deadlines/shanghai-time.ts';
import type { PublicRequest } from '../../domain/open311/requests.ts';
import type { Service, ServiceAttribute } from '../../domain/open311/services.ts';
import type { RequestUpdate } from '../../domain/open311/updates.ts';
import type { GeoReportDiscovery, GeoReportRequest, GeoReportRequestUpdate, GeoReportService, GeoReportServiceDefinition } from './schemas.ts';

/*
 * Domain values into GeoReport's wire names. Times carry the office's +08:00;
 * fields the spec lets a server leave out are left out when there is nothing
 * to say, except `description`, which is always there and always null: the
 * reporter's words are not published.
 */

export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

export function discoveryWire(d: { changeset: Date; contact: string; keyService: string; url: string }): z.infer<typeof GeoReportDiscovery> {
  const changeset = toShanghaiIso(d.changeset);
  return {
    changeset,
    contact: d.contact,
    key_service: d.keyService,
    endpoints: [{ specification: SPECIFICATION, url: d.url, changeset, type: 'production', formats: ['text/xml', 'application/json'] }],
  };
}

export function serviceWire(s: Service): z.infer<typeof GeoReportService> {
  return { service_code: s.code, service_name: s.name, description: s.description, metadata: true, type: 'realtime', keywords: s.keywords, group: s.group };
}

export function definitionWire(d: { code: string; attributes: ServiceAttribute[] }): z.infer<typeof GeoReportServiceDefinition> {
  return {
    service_code: d.code,
    attributes: d.attributes.map((a) => ({
      variable: a.variable,
      code: a.code,
      datatype: a.datatype,
      required: a.required,
      datatype_description: a.datatypeDescription,
      order: a.order,
      description: a.description,
      // Only the list datatypes have values.
      ...(a.datatype === 'singlevaluelist' ? { values: a.values } : {}),
    })),
  };
}

export function requestWire(r: PublicRequest, extensions: boolean): z.infer<typeof GeoReportRequest> {
  const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as { [P in K]: V }));
  return {
    service_request_id: r.id,
    status: r.status,
    ...optional('status_notes', r.statusNotes),
    service_name: r.service.name,
    service_code: r.service.code,
    description: null,
    ...optional('agency_responsible', r.agency),
    requested_datetime: toShanghaiIso(r.requestedAt),
    updated_datetime: toShanghaiIso(r.updatedAt),
    ...optional('expected_datetime', r.expectedAt && toShanghaiIso(r.expectedAt)),
    ...optional('address', r.address),
    ...optional('address_id', r.addressId),
    ...optional('lat', r.lat),
    ...optional('long', r.long),
    ...optional('media_url', r.mediaUrl),
    ...(extensions
      ? {
          extended_attributes: { detailed_status: r.detailedStatus, station: r.station, ...optional('kind', r.kind) },
          // The timeline goes only to the key that filed the request; a stranger gets no notes at all.
          ...optional(
            'notes',
            r.notes?.map((n) => ({ datetime: toShanghaiIso(n.at), type: n.type, summary: n.summary, ...optional('description', n.description) })),
          ),
        }
      : {}),
  };
}

export function updateWire(u: RequestUpdate): z.infer<typeof GeoReportRequestUpdate> {
  return { update_id: u.updateId, service_request_id: u.requestId, status: u.status, updated_datetime: toShanghaiIso(u.at), description: u.description };
}
