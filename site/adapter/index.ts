import type { AstroIntegration } from 'astro';

/**
 * Our own adapter: the smallest thing that turns Astro's on-demand pages into
 * one fetch-style handler (adapter/server.ts) that both runtimes call in
 * process — the Node server (workers/node.ts) and the Worker
 * (workers/worker.ts). Neither runtime needs Astro's Node or Cloudflare
 * adapters: they already own the socket, the static files and the API.
 */
export default function hotlineAdapter(): AstroIntegration {
  return {
    name: 'station-hotline-adapter',
    hooks: {
      'astro:config:setup': ({ updateConfig }) => {
        updateConfig({
          vite: {
            ssr: {
              // One self-contained bundle: wrangler and Node load it without
              // resolving Astro's packages again.
              noExternal: true,
              // workerd and Node both: web-standard builds of dependencies.
              target: 'webworker',
              resolve: { conditions: ['workerd', 'worker', 'import', 'module', 'default'], externalConditions: ['workerd', 'worker'] },
            },
          },
        });
      },
      'astro:config:done': ({ setAdapter }) => {
        setAdapter({
          name: 'station-hotline-adapter',
          entrypointResolution: 'auto',
          serverEntrypoint: new URL('./server.ts', import.meta.url),
          supportedAstroFeatures: {
            serverOutput: 'stable',
            staticOutput: 'unsupported',
            hybridOutput: 'stable',
            sharpImageService: { support: 'unsupported', message: 'No image processing: use passthroughImageService.', suppress: 'all' },
            envGetSecret: 'unsupported',
          },
        });
      },
    },
  };
}
