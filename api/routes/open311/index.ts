import type { RouteGuards } from '../guards.ts';
import { createOpen311Router } from '../routers.ts';
import { documentGeoReport } from './docs.ts';
import { OPEN311_BASE, registerGeoReportRoutes } from './georeport.ts';

export { OPEN311_BASE };

/** Open311 GeoReport v2, mounted at OPEN311_BASE; the keys it files with are issued on the admin router. */
export function open311Routes(guards: RouteGuards) {
  const router = createOpen311Router();
  registerGeoReportRoutes(router, guards);
  documentGeoReport(router);
  return router;
}
