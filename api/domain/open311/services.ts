import { sql } from 'drizzle-orm';
import { CASE_KINDS, categories, departments, locations, stations } from '../../../db/schema.ts';
import { rowsOf } from '../../../db/statement.ts';
import type { Ctx } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { t } from '../../i18n.ts';
import { kindName, localName } from '../meta.ts';
import type { Category, Reference } from '../reference.ts';

/**
 * GeoReport services are the office's categories. Where it happened (station,
 * place in the district) and what kind of request it is are attributes of every
 * service, so every service has `metadata: true` and one definition shape.
 */
export const ATTRIBUTES = {
  /** Informational only (variable false): why the office asks for a phone. */
  notice: 'contact_notice',
  station: 'station',
  location: 'location',
  kind: 'kind',
} as const;
export const KNOWN_ATTRIBUTES: ReadonlySet<string> = new Set(Object.values(ATTRIBUTES));
export const DEFAULT_KIND = 'complaint' satisfies (typeof CASE_KINDS)[number];

/** A location's attribute key: location codes repeat across stations, so the station is in the key. */
export const locationKey = (stationCode: string, locationCode: string) => `${stationCode}:${locationCode}`;

export interface Service {
  code: string;
  name: string;
  description: string;
  keywords: string;
  group: string;
}

export interface ServiceAttribute {
  variable: boolean;
  code: string;
  datatype: 'string' | 'singlevaluelist';
  required: boolean;
  datatypeDescription: string | null;
  order: number;
  description: string;
  values: Array<{ key: string; name: string }>;
}

function service(ref: Reference, category: Category, ctx: Ctx): Service {
  const name = localName(category, ctx.lang);
  const department = category.defaultDepartmentId !== null ? ref.departmentsById.get(category.defaultDepartmentId) : undefined;
  const departmentName = department ? localName(department, ctx.lang) : undefined;
  return {
    code: category.code,
    name,
    description: departmentName ? t(ctx.lang, 'open311.service_description', { name, department: departmentName }) : name,
    keywords: [category.code, category.nameZh, category.nameEn].join(', '),
    group: departmentName ?? t(ctx.lang, 'open311.group_other'),
  };
}

export async function listServices({ ctx }: { ctx: Ctx }): Promise<Service[]> {
  const ref = await ctx.reference.get(ctx.db);
  return ref.categories.map((c) => service(ref, c, ctx));
}

/** The attributes every service shares; a 404 for a code that is not an active category. */
export async function getServiceDefinition({ ctx, input }: { ctx: Ctx; input: { code: string } }): Promise<{ code: string; attributes: ServiceAttribute[] }> {
  const ref = await ctx.reference.get(ctx.db);
  const category = ref.categoriesByCode.get(input.code);
  if (!category) throw notFound('open311.service_not_found', { code: input.code });
  const { lang } = ctx;
  const attributes: ServiceAttribute[] = [
    {
      variable: false,
      code: ATTRIBUTES.notice,
      datatype: 'string',
      required: false,
      datatypeDescription: null,
      order: 1,
      description: t(lang, 'open311.attr.contact_notice'),
      values: [],
    },
    {
      variable: true,
      code: ATTRIBUTES.station,
      datatype: 'singlevaluelist',
      required: true,
      datatypeDescription: t(lang, 'open311.attr.station_hint'),
      order: 2,
      description: t(lang, 'open311.attr.station'),
      values: ref.stations.map((s) => ({ key: s.code, name: localName(s, lang) })),
    },
    {
      variable: true,
      code: ATTRIBUTES.location,
      datatype: 'singlevaluelist',
      required: false,
      datatypeDescription: t(lang, 'open311.attr.location_hint'),
      order: 3,
      description: t(lang, 'open311.attr.location'),
      values: ref.locations.flatMap((l) => {
        const station = ref.stationsById.get(l.stationId);
        return station ? [{ key: locationKey(station.code, l.code), name: `${localName(station, lang)} · ${localName(l, lang)}` }] : [];
      }),
    },
    {
      variable: true,
      code: ATTRIBUTES.kind,
      datatype: 'singlevaluelist',
      required: false,
      datatypeDescription: t(lang, 'open311.attr.kind_hint'),
      order: 4,
      description: t(lang, 'open311.attr.kind'),
      values: CASE_KINDS.map((k) => ({ key: k, name: kindName(k, lang) })),
    },
  ];
  return { code: category.code, attributes };
}

/**
 * What the discovery document needs. Its changeset is the latest change to
 * anything the service list and definitions are made of — a station, category,
 * place or department, active or not — so that switching one off moves it too
 * and clients refetch rather than keep offering a withdrawn service. Read from
 * the tables themselves (the reference cache holds only active rows).
 */
export async function getDiscovery({ ctx }: { ctx: Ctx }): Promise<{ changeset: Date; contact: string; keyService: string; url: string }> {
  const [row] = rowsOf<{ changeset: string | Date | null }>(
    await ctx.db.execute(sql`
      SELECT greatest(
        (SELECT max(updated_at) FROM ${stations}),
        (SELECT max(updated_at) FROM ${categories}),
        (SELECT max(updated_at) FROM ${locations}),
        (SELECT max(updated_at) FROM ${departments})
      ) AS changeset`),
  );
  const base = ctx.config.publicBaseUrl;
  return {
    changeset: row?.changeset ? new Date(row.changeset) : new Date(0),
    contact: t(ctx.lang, 'open311.contact', { url: base }),
    keyService: t(ctx.lang, 'open311.key_service', { url: base }),
    url: `${base}/open311/v2`,
  };
}
