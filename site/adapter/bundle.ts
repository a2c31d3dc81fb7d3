import type { SiteHandler } from './types.ts';

/**
 * Loads the built SSR bundle. The path is a literal so that wrangler's bundler
 * pulls the bundle into the Worker; on Node it is resolved at run time. Until
 * `npm run build:site` has run there is no bundle: the answer is undefined and
 * the runtime says so instead of failing.
 */
export async function loadSiteHandler(): Promise<SiteHandler | undefined> {
  try {
    // The file exists only after the site is built (then it type-checks; before, it is missing), so
    // neither @ts-expect-error nor a plain import fits both states.
    // biome-ignore lint/suspicious/noTsIgnore: see above
    // @ts-ignore
    const mod = (await import('../dist-server/entry.mjs')) as { handle?: SiteHandler };
    return typeof mod.handle === 'function' ? mod.handle : undefined;
  } catch (err) {
    if (isMissingModule(err)) return undefined;
    throw err;
  }
}

function isMissingModule(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  return e?.code === 'ERR_MODULE_NOT_FOUND' || /cannot find module|no such module|failed to (load|resolve)/i.test(String(e?.message ?? ''));
}
