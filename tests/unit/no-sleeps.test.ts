import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * Time in tests is a hand-moved clock (tests/helpers/app.ts fixedClock): a test
 * that sleeps guesses how long something takes, and fails on a busy machine or
 * hides a race on a quiet one. Wait for the event itself (a promise the code
 * resolves), never for a number of milliseconds.
 */
const root = resolve(import.meta.dirname, '../..');
const SLEEP = /setTimeout\s*\(|\bsleep\s*\(|timers\/promises/;

function testFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => join(dir, name));
}

describe('tests on the clock', () => {
  it('the pattern catches the usual ways to wait', () => {
    for (const line of ['await new Promise((resolve) => setTimeout(resolve, 50));', 'await sleep(10);', "import { setTimeout } from 'node:timers/promises';"]) {
      expect(SLEEP.test(line), line).toBe(true);
    }
  });

  it('no API or unit test sleeps', () => {
    const files = [...testFiles('tests/api'), ...testFiles('tests/unit')].filter((f) => !f.endsWith('no-sleeps.test.ts'));
    expect(files.length).toBeGreaterThan(30);
    const sleeping = files.filter((f) => SLEEP.test(readFileSync(join(root, f), 'utf8'))).map((f) => relative(root, join(root, f)));
    expect(sleeping).toEqual([]);
  });
});
