/// <reference types="astro/client" />

declare namespace App {
  // What a runtime hands the SSR handler (adapter/types.ts SiteLocals).
  interface Locals {
    api: import('../adapter/types.ts').InProcessApi;
    env: Record<string, unknown>;
    clientIp?: string | undefined;
  }
}
