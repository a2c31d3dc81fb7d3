import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The layers the folder READMEs name, checked on the import statements
 * themselves: the domain never sees the HTTP layer or Hono (api/README), the
 * database folder never reaches into the domain (db/README: whatever needs both
 * lives in the domain or above it), and a job knows no runtime (workers/README).
 */
const root = resolve(import.meta.dirname, '../..');
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s*['"]([^'"]+)['"]/gm;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mjs|js)$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** Each import of a file: the package name, or the repo path a relative specifier points at. */
function importsOf(file: string, text = readFileSync(join(root, file), 'utf8')): string[] {
  return [...text.matchAll(IMPORT)].map((m) => {
    const spec = (m[1] ?? m[2] ?? m[3])!;
    return spec.startsWith('.') ? relative(root, resolve(root, dirname(file), spec)) : spec;
  });
}

function violations(dir: string, refused: (target: string) => boolean): string[] {
  return sources(dir).flatMap((file) =>
    importsOf(file)
      .filter(refused)
      .map((target) => `${file} → ${target}`),
  );
}

describe('layering', () => {
  it('the scanner sees every form of import, relative ones as repo paths', () => {
    const text = [
      "import { a } from '../../http/wire.ts';",
      'import type { B } from "hono";',
      "export { c } from './c.ts';",
      'const d = await import("../../../db/seed/demo.ts");',
      "import '../side-effect.ts';",
      'import {\n  e,\n  f,\n} from "../../http/envelope.ts";',
    ].join('\n');
    expect(importsOf('api/domain/cases/x.ts', text)).toEqual(['api/http/wire.ts', 'hono', 'api/domain/cases/c.ts', 'db/seed/demo.ts', 'api/domain/side-effect.ts', 'api/http/envelope.ts']);
  });

  it('the domain imports nothing from api/http, nor Hono', () => {
    expect(sources('api/domain').length).toBeGreaterThan(50);
    expect(violations('api/domain', (t) => t.startsWith('api/http/') || t === 'hono' || t.startsWith('hono/'))).toEqual([]);
  });

  it('db (its seed included) imports nothing from the domain', () => {
    expect(sources('db/seed').length).toBeGreaterThan(2);
    expect(violations('db', (t) => t.startsWith('api/domain/'))).toEqual([]);
  });

  it('a job imports nothing from the runtime entries in workers/', () => {
    expect(violations('workers/jobs', (t) => t.startsWith('workers/') && !t.startsWith('workers/jobs/'))).toEqual([]);
  });
});
