import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobs, queueConsumers } from '../../workers/jobs/index.ts';

/*
 * workers/README.md is where an operator learns what runs in the background
 * and when: a job registered without a line there would run unannounced.
 */
const readme = readFileSync(resolve(import.meta.dirname, '../../workers/README.md'), 'utf8');
/** The README's table of jobs: `| \`name\` | when | what |` rows. */
const documented = [...readme.matchAll(/^[ \t]*\|\s*`([^`]+)`\s*\|([^|]+)\|([^|]+)\|\s*$/gm)].map((m) => ({ name: m[1]!, when: m[2]!.trim(), what: m[3]!.trim() }));

describe('workers/README.md', () => {
  it('names every registered job, in the order they run, with when and what', () => {
    expect(documented.map((d) => d.name)).toEqual(Object.keys(jobs));
    for (const d of documented) {
      expect(d.when, d.name).toMatch(/every minute|every tick|\bat\b|from \d\d:\d\d/);
      expect(d.what.length, d.name).toBeGreaterThan(10);
    }
  });

  it('names every queue a consumer listens on', () => {
    for (const queue of Object.keys(queueConsumers)) expect(readme).toContain(queue);
  });
});
