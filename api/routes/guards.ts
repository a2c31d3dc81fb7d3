import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';

/** Middleware built once per app from its deps, handed to the route files. */
export interface RouteGuards {
  intakeRateLimit: MiddlewareHandler<AppEnv>;
  lookupRateLimit: MiddlewareHandler<AppEnv>;
  signInRateLimit: MiddlewareHandler<AppEnv>;
}
