import { createFeedRouter } from '../routers.ts';
import { registerFeedRoutes } from './feed-12345.ts';

/** The 12345 platform's signed pushes: work orders, events about them and follow-up results. */
export function feedRoutes() {
  const router = createFeedRouter();
  registerFeedRoutes(router);
  return router;
}
