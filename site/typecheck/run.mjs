#!/usr/bin/env node
/**
 * Type-checks the site, .astro front matter included (`astro check`), offline.
 *
 * Astro's own `astro check` refuses the project's TypeScript 7: the native
 * compiler has no JavaScript API yet, and the checker's language server drives
 * that API. This package holds @astrojs/check with a TypeScript 6 of its own
 * (npm nests both here, since the project's TypeScript is 7). The checker's
 * helpers (@volar/kit) are hoisted beside the project's TypeScript 7 and
 * require 'typescript' themselves, so within this process 'typescript' is
 * resolved from here: the 6. The rest of the project keeps `tsc` 7.
 */
import { createRequire, registerHooks } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ours = createRequire(import.meta.url);
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier !== 'typescript' && !specifier.startsWith('typescript/')) return nextResolve(specifier, context);
    return { url: pathToFileURL(ours.resolve(specifier)).href, format: 'commonjs', shortCircuit: true };
  },
});

process.env.ASTRO_TELEMETRY_DISABLED = '1';
const site = dirname(dirname(fileURLToPath(import.meta.url)));

// The generated types (.astro/types.d.ts: Astro.locals, env, routes) first, as `astro check` does.
const { sync } = await import('astro');
await sync({ root: site, logLevel: 'error' });

const { check } = await import('@astrojs/check');
const failed = await check({
  root: site,
  tsconfig: join(site, 'tsconfig.json'),
  watch: false,
  minimumFailingSeverity: 'warning',
  minimumSeverity: 'warning',
  preserveWatchOutput: false,
});
process.exit(failed ? 1 : 0);
