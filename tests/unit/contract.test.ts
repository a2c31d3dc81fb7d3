import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { getTableConfig, isPgEnum } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import * as contract from '../../api/contract/index.ts';
import * as schema from '../../db/schema.ts';

/*
 * The contract is the one place the API, the site and the tests take enums,
 * names, the tracking-code format, the verb rules and the wire shapes from.
 * These tests hold it to that: every code named in both languages, the
 * database's enums (as migrated) equal to the contract's, nothing but zod at
 * runtime, and its schema metadata reaching /api/openapi.json.
 */

const { LABELS } = contract;
const ENUM_OF_LABELS: Record<keyof typeof LABELS, readonly string[]> = {
  status: contract.CASE_STATUSES,
  kind: contract.CASE_KINDS,
  priority: contract.PRIORITIES,
  channel: contract.CHANNELS,
  role: contract.STAFF_ROLES,
  outboxChannel: contract.OUTBOX_CHANNELS,
  outboxStatus: contract.OUTBOX_STATUSES,
  satisfaction: contract.SATISFACTIONS,
  resolution: contract.RESOLUTIONS,
  durationUnit: contract.DURATION_UNITS,
  dayKind: contract.DAY_KINDS,
  actorType: contract.ACTOR_TYPES,
  extensionStatus: contract.EXTENSION_STATUSES,
  appealStatus: contract.APPEAL_STATUSES,
};

describe('labels', () => {
  it.each(Object.entries(ENUM_OF_LABELS))('name every %s code, and only those, in zh-CN and en', (table, codes) => {
    const labels = LABELS[table as keyof typeof LABELS] as Record<string, Record<string, string>>;
    expect(Object.keys(labels).sort()).toEqual([...codes].sort());
    for (const code of codes) for (const lang of contract.LANGS) expect(labels[code]![lang]?.trim(), `${table}.${code} in ${lang}`).toBeTruthy();
  });

  it('give each status one name per language', () => {
    for (const lang of contract.LANGS) {
      const names = contract.CASE_STATUSES.map((s) => contract.statusLabel(s, lang));
      expect(new Set(names).size).toBe(names.length);
    }
    expect(contract.statusLabel('new', 'zh-CN')).toBe('已受理');
  });
});

describe('database enums', () => {
  const pgEnums = Object.values(schema as Record<string, unknown>).filter(isPgEnum);
  const latestSnapshot = () => {
    const dir = join(import.meta.dirname, '../../db/migrations/meta');
    const last = readdirSync(dir)
      .filter((f) => f.endsWith('_snapshot.json'))
      .sort()
      .at(-1)!;
    return JSON.parse(readFileSync(join(dir, last), 'utf8')) as { enums: Record<string, { name: string; values: string[] }> };
  };

  it('are the contract’s lists, value for value and in order', () => {
    const byName = Object.fromEntries(pgEnums.map((e) => [e.enumName, e.enumValues]));
    expect(byName).toMatchObject({
      case_kind: contract.CASE_KINDS,
      priority: contract.PRIORITIES,
      channel: contract.CHANNELS,
      case_status: contract.CASE_STATUSES,
      staff_role: contract.STAFF_ROLES,
      outbox_channel: contract.OUTBOX_CHANNELS,
      outbox_status: contract.OUTBOX_STATUSES,
      duration_unit: contract.DURATION_UNITS,
      day_kind: contract.DAY_KINDS,
      actor_type: contract.ACTOR_TYPES,
      extension_status: contract.EXTENSION_STATUSES,
      satisfaction: contract.SATISFACTIONS,
      resolution: contract.RESOLUTIONS,
    });
  });

  it('are as migrated: a contract change without a migration fails here', () => {
    const migrated = Object.fromEntries(Object.values(latestSnapshot().enums).map((e) => [e.name, e.values]));
    expect(pgEnums.length).toBeGreaterThan(10);
    for (const e of pgEnums) expect(migrated[e.enumName], e.enumName).toEqual(e.enumValues);
    // A table that uses an enum column still exists in the schema (sanity for the filter above).
    expect(getTableConfig(schema.cases).columns.some((c) => c.getSQLType() === 'case_status')).toBe(true);
  });
});

describe('the module', () => {
  const root = join(import.meta.dirname, '../../api/contract');
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));

  it('imports nothing at runtime but zod and itself', () => {
    const found: string[] = [];
    for (const file of files(root)) {
      // Value imports, side-effect imports and re-exports; `import type` leaves nothing at runtime.
      for (const m of readFileSync(file, 'utf8').matchAll(/^import(?!\s+type\b)\s[^;]*?'([^']+)'|^export\s[^;]*?\sfrom\s+'([^']+)'/gms)) {
        const spec = (m[1] ?? m[2])!;
        const inside = spec.startsWith('.') && join(file, '..', spec).startsWith(root);
        if (spec !== 'zod' && !inside) found.push(`${file.slice(root.length)}: ${spec}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('keeps the verb rules the workflow tests were written against', () => {
    expect(contract.mayRun('acknowledge', 'handler', 'assigned')).toBe(true);
    expect(contract.mayRun('acknowledge', 'dispatcher', 'assigned')).toBe(false);
    expect(contract.mayRun('return', 'dispatcher', 'in_progress')).toBe(false);
    // 16, relocate, and the 12345 rating appeal's two (filed by the lead department's handler, sent by a supervisor).
    expect(contract.mayRun('appeal', 'handler', 'closed')).toBe(true);
    expect(contract.mayRun('send-appeal', 'dispatcher', 'closed')).toBe(false);
    expect(contract.CASE_VERBS).toHaveLength(19);
  });
});

describe('/api/openapi.json from plain zod', () => {
  const document = async () => {
    const { createApp } = await import('../../api/app.ts');
    const { testConfig } = await import('../helpers/app.ts');
    const { createLogger } = await import('../../api/logger.ts');
    // The document is built from the route schemas alone: no query reaches this database.
    const app = createApp({ config: testConfig(), logger: createLogger('silent'), database: () => ({}) as never, clientIp: () => '203.0.113.1' });
    return (await (await app.request('/api/openapi.json')).json()) as { components: { schemas: Record<string, Record<string, unknown>> } } & Record<string, unknown>;
  };

  it('carries the contract’s .meta() ids, descriptions and examples', async () => {
    const doc = await document();
    const ids = ['CreateCase', 'CreatedCase', 'PublicCase', 'Meta', 'StaffCase', 'QueuePage', 'Stats', 'DepartmentTable', 'OutboxItem', 'Policy', 'AdminStaffList'];
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(ids));
    const station = (doc.components.schemas.CreateCase!.properties as Record<string, Record<string, unknown>>).station!;
    expect(station).toMatchObject({ example: 'TJ', description: 'Station code from /api/meta' });
    expect(doc.components.schemas.PublicCase!.required).toContain('canEvaluate');
  });

  it('is a document whose every $ref resolves and whose schemas compile', async () => {
    const doc = await document();
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) expect(doc.components.schemas[ref], ref).toBeDefined();
    const ajv = (addFormatsModule as unknown as (a: Ajv2020) => Ajv2020)(new Ajv2020({ strict: false, allowUnionTypes: true }));
    ajv.addSchema({ $id: 'doc', components: doc.components });
    for (const id of Object.keys(doc.components.schemas)) expect(() => ajv.compile({ $ref: `doc#/components/schemas/${id}` }), id).not.toThrow();
  });
});
