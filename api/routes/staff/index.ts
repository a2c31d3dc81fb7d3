import type { RouteGuards } from '../guards.ts';
import { registerApiKeyRoutes } from '../open311/api-keys.ts';
import { createAdminRouter, createPublicRouter, createStaffRouter } from '../routers.ts';
import { registerAdminRoutes } from './admin.ts';
import { registerAdminDeadlineRoutes } from './admin-deadlines.ts';
import { registerAdminHealthRoutes } from './admin-health.ts';
import { registerStaffCaseRoutes } from './cases.ts';
import { registerDuplicateRoutes } from './duplicates.ts';
import { registerOutboxRoutes } from './outbox.ts';
import { registerAdminPhotoRoutes, registerStaffPhotoRoutes } from './photos.ts';
import { registerSessionRoutes, registerSignInRoute, type SignInDeps } from './session.ts';
import { registerStaffStatsRoutes } from './stats.ts';
import { registerVerbRoutes } from './verbs.ts';

/** Sign-in: the one staff path reached without a session (its own rate limit and body limit guard it). */
export function signInRoutes(guards: RouteGuards, deps: SignInDeps) {
  const router = createPublicRouter();
  registerSignInRoute(router, guards, deps);
  return router;
}

/** The staff console: the session, the queue and its cases, the workflow verbs, figures and the outbox. */
export function staffRoutes() {
  const router = createStaffRouter();
  registerSessionRoutes(router);
  registerStaffCaseRoutes(router);
  registerVerbRoutes(router);
  registerStaffStatsRoutes(router);
  registerOutboxRoutes(router);
  registerStaffPhotoRoutes(router);
  registerDuplicateRoutes(router);
  return router;
}

/** The admin screens: staff, departments, categories, locations, the calendar, deadline policies, Open311 keys. */
export function adminRoutes() {
  const router = createAdminRouter();
  registerAdminRoutes(router);
  registerAdminDeadlineRoutes(router);
  registerAdminHealthRoutes(router);
  registerApiKeyRoutes(router);
  registerAdminPhotoRoutes(router);
  return router;
}
