import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTOR_TYPES } from '../../api/contract/enums.ts';
import { EVENT_TYPES, EVENT_WORDS, eventWords } from '../../api/contract/events.ts';
import { LANGS } from '../../api/contract/lang.ts';
import { OPEN311_EVENT } from '../../api/domain/open311/requests.ts';

/*
 * Every timeline event the code can write has words in both languages, in the
 * contract's one table (api/contract/events.ts): the console never shows a raw
 * code such as "dissatisfied". The writers are found in the source: every
 * string literal in a `type:` field of api/domain and workers/ (the events'
 * `type: '...'`, and both arms of `type: a ? 'x' : 'y'`), the first event every
 * case writer inserts ('created', in SQL), and the Open311 submission's constant.
 * (A TypeScript `type: X['y']` or `type: T; result: 'a'` is not a literal of the field.)
 */
const root = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** `type:` fields that are not timeline events: actors, and Open311's attribute datatypes (api/domain/open311). */
const OTHER_TYPES = new Set<string>([...ACTOR_TYPES, 'string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist']);

/** The string literals of each `type:` field, up to the end of its expression. */
function typeLiterals(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\btype:\s*([^,;}\n]+)/g)) {
    for (const lit of m[1]!.matchAll(/(?<!\[)'([a-z0-9_]+)'/g)) out.push(lit[1]!);
  }
  return out;
}

function writtenTypes(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (type: string, file: string) => found.set(type, [...(found.get(type) ?? []), file]);
  for (const file of [...sources('api/domain'), ...sources('workers')]) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const t of typeLiterals(text)) if (!OTHER_TYPES.has(t)) add(t, file);
  }
  // The case writer's first event is SQL, not an object.
  const write = readFileSync(join(root, 'api/domain/cases/write.ts'), 'utf8');
  for (const m of write.matchAll(/SELECT n\.id, '([a-z_]+)'/g)) add(m[1]!, 'api/domain/cases/write.ts');
  add(OPEN311_EVENT, 'api/domain/open311/submit.ts');
  return found;
}

describe('timeline event words', () => {
  it('the scanner reads every form of writer', () => {
    expect(typeLiterals("event: { type: 'reopened', isPublic: true }")).toEqual(['reopened']);
    expect(typeLiterals("type: a.kind === 'warning' ? 'deadline_warning' : a.kind === 'red' ? 'red_escalated' : 'escalated',")).toEqual([
      'warning',
      'deadline_warning',
      'red',
      'red_escalated',
      'escalated',
    ]);
    expect(typeLiterals("type: FeedEvent['type'];\n  | { type: FeedEventType; result: 'applied' | 'unchanged' }")).toEqual([]);
    const found = writtenTypes();
    for (const known of ['created', 'dissatisfied', 'deadline_warning', 'red_escalated', 'escalated', 'duplicate_merged', 'open311_submitted', 'appeal_accepted']) {
      expect(found.has(known), known).toBe(true);
    }
  });

  it('every event type the code writes is in the one table', () => {
    // A ternary's condition may hold a literal that is not a type ('warning', 'red' above): only those are let through.
    const conditions = new Set(['warning', 'red']);
    const missing = [...writtenTypes()].filter(([type]) => !conditions.has(type) && !(EVENT_TYPES as readonly string[]).includes(type)).map(([t, files]) => `${t} (${files.join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('every type has the console’s words in Chinese and in English, and each audience’s words in both', () => {
    const cjk = /[\u4e00-\u9fff]/;
    for (const type of EVENT_TYPES) {
      for (const audience of ['staff', 'public', 'open311'] as const) {
        for (const lang of LANGS) {
          const words = eventWords(type, audience, lang);
          if (audience === 'staff') expect(words, `${type} ${lang}`).toBeTruthy();
          if (words === undefined) continue;
          expect(words.trim(), `${type} ${audience} ${lang}`).not.toBe('');
          expect(words, `${type} ${audience} ${lang}`).not.toBe(type);
          expect(cjk.test(words), `${type} ${audience} ${lang}: ${words}`).toBe(lang === 'zh-CN');
        }
      }
      // A column is both languages or neither.
      for (const column of [EVENT_WORDS[type].public, EVENT_WORDS[type].open311]) if (column) expect(Object.keys(column).sort()).toEqual([...LANGS].sort());
    }
  });

  it('the dissatisfied event is worded for staff (never "dissatisfied · 市民"), and an unknown type has no words', () => {
    expect(eventWords('dissatisfied', 'staff', 'zh-CN')).toBe('评价不满意，待复核');
    expect(eventWords('dissatisfied', 'staff', 'en')).toBe('Rated dissatisfied: flagged for review');
    expect(eventWords('no_such_event', 'staff', 'zh-CN')).toBeUndefined();
  });
});
