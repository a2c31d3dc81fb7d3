import { defineConfig, passthroughImageService } from 'astro/config';
import hotlineAdapter from './adapter/index.ts';

// Every page renders on demand: the forms must work without JavaScript
// (server-side errors, kept input, live reference data).
export default defineConfig({
  output: 'server',
  adapter: hotlineAdapter(),
  outDir: './dist',
  build: {
    // Static files go straight into site/dist (what wrangler's [assets] uploads
    // and the Node server serves); the SSR bundle goes beside it, never public.
    client: './',
    server: '../dist-server',
    assets: '_astro',
    // External files only, so the Content-Security-Policy needs no 'unsafe-inline'.
    inlineStylesheets: 'never',
  },
  vite: { build: { assetsInlineLimit: 0 } },
  // No image processing (sharp is Node-only and the pages have no raster images).
  image: { service: passthroughImageService() },
  trailingSlash: 'ignore',
  compressHTML: true,
  devToolbar: { enabled: false },
  server: { host: '127.0.0.1' },
});
