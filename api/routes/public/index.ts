import type { RouteGuards } from '../guards.ts';
import { createPublicRouter } from '../routers.ts';
import { registerCaseRoutes } from './cases.ts';
import { registerMetaRoutes } from './meta.ts';
import { registerOpenCountRoute } from './open-count.ts';
import { registerPhotoRoutes } from './photos.ts';
import { registerStatsRoutes } from './stats.ts';

/** Citizens and the site: reference data, filing, checking and rating a case, the published figures. */
export function publicRoutes(guards: RouteGuards) {
  const router = createPublicRouter();
  registerMetaRoutes(router);
  registerCaseRoutes(router, guards);
  registerStatsRoutes(router);
  registerPhotoRoutes(router);
  registerOpenCountRoute(router, guards);
  return router;
}
