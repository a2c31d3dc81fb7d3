import type { Ctx } from '../../context.ts';
import { DomainError, invalidInput } from '../../errors.ts';
import type { Staff } from '../staff/session.ts';

/**
 * What every admin verb shares: who may call it, how a clash on a unique code
 * reads, and what happens after a write. The route layer checks the role
 * too (before it reads the body); this check keeps any other caller honest.
 */
export function assertAdmin(actor: Staff): void {
  if (actor.role !== 'admin') throw new DomainError('forbidden', 'admin.only');
}

/** A unique-index violation on the named constraint, from postgres.js or PGlite, wrapped by drizzle or not. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint_name?: string; constraint?: string; cause?: unknown };
  const inner = (e?.cause ?? e) as { code?: string; constraint_name?: string; constraint?: string } | undefined;
  return inner?.code === '23505' && (inner.constraint_name ?? inner.constraint) === constraint;
}

/** A 400 naming the field whose code refers to nothing (or to something retired). */
export function unknownReference(field: string, key: string) {
  return invalidInput(key, [{ field, code: 'unknown', message: key }]);
}

/** The names of the fields a patch sets, for the log: which ones, never their values. */
export function changedFields(patch: Record<string, unknown>): string[] {
  return Object.keys(patch).filter((k) => patch[k] !== undefined);
}

/**
 * After a committed write to stations, departments, categories or locations:
 * drop this server's reference cache, so /api/meta and intake see the change
 * at once (other servers within the cache's TTL), and log ids and codes only.
 */
export function referenceWritten(ctx: Ctx, actor: Staff, msg: string, fields: Record<string, unknown>): void {
  ctx.reference.invalidate();
  ctx.logger.info(msg, { requestId: ctx.requestId, actorId: actor.id, ...fields });
}

/** The next free place at the end of a list ordered by sortOrder. */
export function nextSortOrder(rows: Array<{ max: number | null }>): number {
  return (rows[0]?.max ?? 0) + 1;
}
