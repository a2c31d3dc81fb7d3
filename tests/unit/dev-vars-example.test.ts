import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EnvSchema, loadConfig } from '../../api/config.ts';

/**
 * .dev.vars.example lists every variable the code reads, and nothing else: the
 * environment schema's names, plus the two read outside it (the site's SMS number,
 * the staff:add script's password). Its uncommented lines are a valid environment.
 */
const READ_OUTSIDE_THE_SCHEMA = ['HOTLINE_SMS_NUMBER', 'STAFF_PASSWORD'];
const text = readFileSync(new URL('../../.dev.vars.example', import.meta.url), 'utf8');
const listed = [...text.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => ({ name: m[1]!, value: m[2]!, set: !m[0].startsWith('#') }));

describe('.dev.vars.example', () => {
  it('names every variable the code reads, once, and no other', () => {
    const names = listed.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual([...Object.keys(EnvSchema.shape), ...READ_OUTSIDE_THE_SCHEMA].sort());
  });

  it('is a valid environment as it stands', () => {
    const env = Object.fromEntries(listed.filter((v) => v.set).map((v) => [v.name, v.value]));
    expect(() => loadConfig(env)).not.toThrow();
  });
});
