import { sql } from 'drizzle-orm';
import type { Ctx } from '../../context.ts';
import { label } from '../../contract/labels.ts';
import type { Lang } from '../../contract/lang.ts';
import { localName } from '../meta.ts';
import { noneName } from './definitions.ts';
import type { GroupBy } from './figures.ts';
import { rowsOf } from './fold.ts';

/**
 * Codes and names of rollup values in the caller's language. The reference
 * cache holds the active rows; figures may name a category or location retired
 * since, so those are read once from their tables.
 */
export interface Named {
  code: string;
  name: string;
}

interface Row {
  id: number;
  code: string;
  nameZh: string;
  nameEn: string;
  stationId?: number | null;
}

export interface Labels {
  station(id: number): Named;
  category(id: number): Named;
  department(id: number | null): Named;
  /** A location; with `withStation`, the name says which station it is at. */
  location(id: number | null, withStation: boolean): Named;
  group(groupBy: GroupBy | null, value: string, withStation: boolean): Named;
}

export async function loadLabels(ctx: Ctx, lang: Lang, wanted: { categories?: number[]; locations?: number[] } = {}): Promise<Labels> {
  const ref = await ctx.reference.get(ctx.db);
  const stations = new Map<number, Row>(ref.stations.map((s) => [s.id, s]));
  const categories = new Map<number, Row>(ref.categories.map((c) => [c.id, c]));
  const locations = new Map<number, Row>(ref.locations.map((l) => [l.id, l]));
  const departments = new Map<number, Row>(ref.departments.map((d) => [d.id, d]));
  const missingCategories = (wanted.categories ?? []).filter((id) => !categories.has(id));
  const missingLocations = (wanted.locations ?? []).filter((id) => !locations.has(id));
  if (missingCategories.length || missingLocations.length || ref.stations.length === 0) {
    const rows = rowsOf<Row & { kind: string }>(
      await ctx.db.execute(sql`
        SELECT 'category' AS kind, id, code, name_zh AS "nameZh", name_en AS "nameEn", NULL::int AS "stationId" FROM categories
        UNION ALL SELECT 'location', id, code, name_zh, name_en, station_id FROM locations
        UNION ALL SELECT 'station', id, code, name_zh, name_en, NULL FROM stations`),
    );
    for (const r of rows) {
      const target = r.kind === 'category' ? categories : r.kind === 'location' ? locations : stations;
      if (!target.has(Number(r.id))) target.set(Number(r.id), { ...r, id: Number(r.id) });
    }
  }
  const named = (row: Row | undefined, fallback: string): Named => (row ? { code: row.code, name: localName(row, lang) } : { code: fallback, name: fallback });
  const labels: Labels = {
    station: (id) => named(stations.get(id), `#${id}`),
    category: (id) => named(categories.get(id), `#${id}`),
    department: (id) => (id === null ? { code: 'none', name: noneName('department', lang) } : named(departments.get(id), `#${id}`)),
    location(id, withStation) {
      if (id === null) return { code: 'none', name: noneName('location', lang) };
      const row = locations.get(id);
      if (!row) return { code: `#${id}`, name: `#${id}` };
      if (!withStation || row.stationId == null) return named(row, `#${id}`);
      const station = labels.station(row.stationId);
      return { code: `${station.code}/${row.code}`, name: `${station.name} · ${localName(row, lang)}` };
    },
    group(groupBy, value, withStation) {
      const id = value === 'none' ? null : Number(value);
      switch (groupBy) {
        case null:
          return { code: 'all', name: lang === 'en' ? 'All' : '全部' };
        case 'category':
          return labels.category(Number(value));
        case 'department':
          return labels.department(id);
        case 'location':
          return labels.location(id, withStation);
        case 'channel':
          return { code: value, name: label('channel', value, lang) };
        case 'kind':
          return { code: value, name: label('kind', value, lang) };
        case 'station':
          return labels.station(Number(value));
        case 'month':
          return { code: value, name: lang === 'en' ? value : `${value.slice(0, 4)}年${Number(value.slice(5, 7))}月` };
      }
    },
  };
  return labels;
}
