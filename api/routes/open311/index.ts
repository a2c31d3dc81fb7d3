import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import type { RouteGuards } from '../guards.ts';
import { registerApiKeyRoutes } from './api-keys.ts';
import { documentGeoReport } from './docs.ts';
import { registerGeoReportRoutes } from './georeport.ts';

/** Open311 GeoReport v2 (/open311/v2/...) and the admin API that issues its keys. */
export function registerOpen311Routes(app: OpenAPIHono<AppEnv>, guards: RouteGuards) {
  registerApiKeyRoutes(app);
  registerGeoReportRoutes(app, guards);
  documentGeoReport(app);
}
