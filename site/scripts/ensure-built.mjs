#!/usr/bin/env node
/**
 * Builds the site when its output is missing or older than its sources, and
 * otherwise does nothing (a stat of each source file: milliseconds). Run by
 * `npm start` (prestart), wrangler's [build] and the browser tests.
 * `--force` always builds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const site = dirname(dirname(fileURLToPath(import.meta.url)));
const outputs = [join(site, 'dist-server', 'entry.mjs'), join(site, 'dist')];
// The site bundles the API's contract (labels, verb rules, wire schemas), so a change there is a change here.
const sources = ['src', 'adapter', 'public', 'astro.config.ts', 'tsconfig.json', '../api/contract'].map((p) => join(site, p));

function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

export function siteIsStale() {
  if (!outputs.every((p) => existsSync(p))) return 'not built';
  const built = statSync(outputs[0]).mtimeMs;
  const changed = Math.max(...sources.map(newest));
  return changed > built ? 'sources changed since the last build' : '';
}

export function buildSite() {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('astro/package.json');
  const astro = join(dirname(pkg), require(pkg).bin.astro);
  const result = spawnSync(process.execPath, [astro, 'build', '--root', site, '--silent'], {
    stdio: 'inherit',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) {
    console.error('site: build failed');
    process.exit(result.status ?? 1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const reason = process.argv.includes('--force') ? 'asked to' : siteIsStale();
  if (reason) {
    const started = Date.now();
    console.log(`site: building (${reason})…`);
    buildSite();
    console.log(`site: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}
