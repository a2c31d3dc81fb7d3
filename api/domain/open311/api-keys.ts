import { and, desc, eq, isNull } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { apiKeys, staffUsers } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { DEFAULT_HOURLY_QUOTA } from '../../contract/wire/admin.ts';
import { DomainError, notFound } from '../../errors.ts';
import { assertAdmin } from '../admin/access.ts';
import type { Staff } from '../staff/session.ts';
import { hashToken, randomToken } from '../staff/tokens.ts';

/**
 * The keys that let a civic app file Open311 service requests. An admin issues
 * one and sees it once; the table keeps only its SHA-256 (a 256-bit random key
 * needs no slow hash). Revoking is final and kept on the row.
 */
export const API_KEY_PREFIX = 'o311_';

export interface ApiKeyView {
  id: string;
  name: string;
  owner: string;
  createdAt: Date;
  createdBy: { id: string; name: string } | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  /** Filings per hour this key may make (each key its own budget; refused requests cost nothing). */
  hourlyQuota: number;
}

const creator = alias(staffUsers, 'api_key_creator');

function selectKeys(ctx: Ctx) {
  return ctx.db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      owner: apiKeys.owner,
      createdAt: apiKeys.createdAt,
      creatorId: apiKeys.createdBy,
      creatorName: creator.name,
      revokedAt: apiKeys.revokedAt,
      lastUsedAt: apiKeys.lastUsedAt,
      hourlyQuota: apiKeys.hourlyQuota,
    })
    .from(apiKeys)
    .leftJoin(creator, eq(creator.id, apiKeys.createdBy));
}

type KeyRow = Awaited<ReturnType<typeof selectKeys>>[number];

function view(row: KeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    createdAt: row.createdAt,
    createdBy: row.creatorName !== null ? { id: row.creatorId, name: row.creatorName } : null,
    revokedAt: row.revokedAt,
    lastUsedAt: row.lastUsedAt,
    hourlyQuota: row.hourlyQuota,
  };
}

/** Issues a key. The answer is the only place the key itself ever appears. */
export async function issueApiKey({
  ctx,
  actor,
  input,
}: {
  ctx: Ctx;
  actor: Staff;
  input: { name: string; owner: string; hourlyQuota?: number | undefined };
}): Promise<ApiKeyView & { key: string }> {
  assertAdmin(actor);
  const key = `${API_KEY_PREFIX}${randomToken(32)}`;
  const [row] = await ctx.db
    .insert(apiKeys)
    .values({
      keyHash: await hashToken(key),
      name: input.name,
      owner: input.owner,
      hourlyQuota: input.hourlyQuota ?? DEFAULT_HOURLY_QUOTA,
      createdBy: actor.id,
      createdAt: ctx.clock.now(),
    })
    .returning({ id: apiKeys.id });
  const [created] = await selectKeys(ctx).where(eq(apiKeys.id, row!.id));
  ctx.logger.info('admin: api key issued', { requestId: ctx.requestId, actorId: actor.id, apiKeyId: row!.id });
  return { ...view(created!), key };
}

/** Every key, newest first; never a key or its hash. */
export async function listApiKeys({ ctx, actor }: { ctx: Ctx; actor: Staff }): Promise<ApiKeyView[]> {
  assertAdmin(actor);
  const rows = await selectKeys(ctx).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  return rows.map(view);
}

/** Revokes a key at once; revoking a revoked key changes nothing and answers the same. */
export async function revokeApiKey({ ctx, actor, input }: { ctx: Ctx; actor: Staff; input: { id: string } }): Promise<ApiKeyView> {
  assertAdmin(actor);
  const revoked = await ctx.db
    .update(apiKeys)
    .set({ revokedAt: ctx.clock.now(), revokedBy: actor.id })
    .where(and(eq(apiKeys.id, input.id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  const [row] = await selectKeys(ctx).where(eq(apiKeys.id, input.id));
  if (!row) throw notFound('api_key.not_found');
  if (revoked.length) ctx.logger.info('admin: api key revoked', { requestId: ctx.requestId, actorId: actor.id, apiKeyId: input.id });
  return view(row);
}

/**
 * The key a request carries, if it is live: marks it used and names it. A
 * missing, unknown or revoked key is a 403, as GeoReport v2 says.
 */
export async function authenticateApiKey(ctx: Ctx, key: string | undefined): Promise<LiveKey> {
  const row = await useLiveKey(ctx, key);
  if (!row) throw new DomainError('forbidden', key?.trim() ? 'open311.api_key_invalid' : 'open311.api_key_missing');
  return row;
}

/**
 * The key a reader of requests presents, if it is live. Reading needs no key,
 * so a missing, unknown or revoked one is no error: its reader simply sees what
 * a stranger sees. A live key lets its client read the replies and timelines of
 * the requests it filed. Asked as an UPDATE, like filing, so that a revocation
 * holds at once (a read could come from a query cache) and the key's last use
 * counts its reads.
 */
export async function identifyReader(ctx: Ctx, key: string | undefined): Promise<string | undefined> {
  return (await useLiveKey(ctx, key))?.id;
}

/**
 * Marks a live key used and names it; undefined for a missing, unknown or
 * revoked key. A string that cannot be a key is refused without touching the
 * database.
 */
export interface LiveKey {
  id: string;
  name: string;
  hourlyQuota: number;
}

async function useLiveKey(ctx: Ctx, key: string | undefined): Promise<LiveKey | undefined> {
  const given = key?.trim();
  if (!given?.startsWith(API_KEY_PREFIX) || given.length > 100) return undefined;
  const [row] = await ctx.db
    .update(apiKeys)
    .set({ lastUsedAt: ctx.clock.now() })
    .where(and(eq(apiKeys.keyHash, await hashToken(given)), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id, name: apiKeys.name, hourlyQuota: apiKeys.hourlyQuota });
  return row;
}
