import { createRoute, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { issueApiKey, listApiKeys, revokeApiKey } from '../../domain/open311/api-keys.ts';
import { errorResponses } from '../../http/envelope.ts';
import type { StaffEnv } from '../../http/staff-auth.ts';
import { toWire } from '../../http/wire.ts';
import type { AdminRouter } from '../routers.ts';
import { ApiKey, ApiKeyList, ApiKeyParams, IssueApiKeyBody, IssuedApiKey } from './schemas.ts';

/*
 * The staff side of Open311: admins issue the API keys civic apps file with,
 * list them (never the keys) and revoke them. Admins only (the admin router's
 * guard), checked before the body is read; writes need the CSRF token like
 * every staff write.
 */
const reads = errorResponses({ 401: 'No session', 403: 'Not an admin' });
const writes = errorResponses({ 400: 'Bad input', 401: 'No session', 403: 'Not an admin, or CSRF', 404: 'No such key' });
const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const tags = ['staff: admin'];
const BASE = '/api/staff/admin/api-keys';

export const listApiKeysRoute = createRoute({
  method: 'get',
  path: BASE,
  tags,
  summary: 'List Open311 API keys (never the keys themselves)',
  responses: { 200: { description: 'The keys, newest first', ...json(ApiKeyList) }, ...reads },
});
export const issueApiKeyRoute = createRoute({
  method: 'post',
  path: BASE,
  tags,
  summary: 'Issue an Open311 API key',
  description: 'The answer shows the key once; only its SHA-256 is stored.',
  request: { body: { required: true, ...json(IssueApiKeyBody) } },
  responses: { 201: { description: 'Issued', ...json(IssuedApiKey) }, ...writes },
});
export const revokeApiKeyRoute = createRoute({
  method: 'post',
  path: `${BASE}/{id}/revoke`,
  tags,
  summary: 'Revoke an Open311 API key',
  description: 'At once and for good; revoking a revoked key answers the same.',
  request: { params: ApiKeyParams },
  responses: { 200: { description: 'Revoked', ...json(ApiKey) }, ...writes },
});
export const deleteApiKeyRoute = createRoute({
  method: 'delete',
  path: `${BASE}/{id}`,
  tags,
  summary: 'Revoke an Open311 API key (the same as POST …/revoke; the row stays for the record)',
  request: { params: ApiKeyParams },
  responses: { 200: { description: 'Revoked', ...json(ApiKey) }, ...writes },
});

export function registerApiKeyRoutes(router: AdminRouter) {
  const caller = (c: Context<StaffEnv>) => ({ ctx: c.get('ctx'), actor: c.get('staff') });

  router.openapi(listApiKeysRoute, async (c) => c.json({ items: toWire(await listApiKeys(caller(c))) }, 200));
  router.openapi(issueApiKeyRoute, async (c) => c.json(toWire(await issueApiKey({ ...caller(c), input: c.req.valid('json') })), 201));
  router.openapi(revokeApiKeyRoute, async (c) => c.json(toWire(await revokeApiKey({ ...caller(c), input: c.req.valid('param') })), 200));
  router.openapi(deleteApiKeyRoute, async (c) => c.json(toWire(await revokeApiKey({ ...caller(c), input: c.req.valid('param') })), 200));
}
