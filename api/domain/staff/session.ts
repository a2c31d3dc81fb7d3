import { and, eq, gt, isNull } from 'drizzle-orm';
import { type STAFF_ROLES, staffSessions, staffUsers } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { hashToken } from './tokens.ts';

export type Role = (typeof STAFF_ROLES)[number];

/** The signed-in member of staff, as every staff route sees them. */
export interface Staff {
  id: string;
  email: string;
  name: string;
  role: Role;
  departmentId: number | null;
}

export const SESSION_HOURS = 12;
/** A session unused this long is over, even before it expires. */
export const SESSION_IDLE_MINUTES = 120;

/** The staff member behind a session token, or undefined when it is unknown, revoked, expired or idle. */
export async function resolveSession({ ctx, token }: { ctx: Ctx; token: string }): Promise<{ staff: Staff; csrfToken: string } | undefined> {
  const now = ctx.clock.now();
  const tokenHash = await hashToken(token);
  const [row] = await ctx.db
    .select({
      id: staffUsers.id,
      email: staffUsers.email,
      name: staffUsers.name,
      role: staffUsers.role,
      departmentId: staffUsers.departmentId,
      csrfToken: staffSessions.csrfToken,
      lastSeenAt: staffSessions.lastSeenAt,
    })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
    .where(and(eq(staffSessions.tokenHash, tokenHash), isNull(staffSessions.revokedAt), gt(staffSessions.expiresAt, now), eq(staffUsers.active, true)))
    .limit(1);
  if (!row) return undefined;
  if (now.getTime() - row.lastSeenAt.getTime() > SESSION_IDLE_MINUTES * 60_000) return undefined;
  // Touch at most once a minute: a busy console should not write on every read.
  if (now.getTime() - row.lastSeenAt.getTime() > 60_000) {
    await ctx.db.update(staffSessions).set({ lastSeenAt: now }).where(eq(staffSessions.tokenHash, tokenHash));
  }
  const { csrfToken, lastSeenAt: _seen, ...staff } = row;
  return { staff, csrfToken };
}

export async function signOut({ ctx, token }: { ctx: Ctx; token: string }) {
  await ctx.db
    .update(staffSessions)
    .set({ revokedAt: ctx.clock.now() })
    .where(and(eq(staffSessions.tokenHash, await hashToken(token)), isNull(staffSessions.revokedAt)));
}

/** Ends every session of a user (deactivation, password reset). */
export async function revokeAllSessions(ctx: Ctx, userId: string) {
  await ctx.db
    .update(staffSessions)
    .set({ revokedAt: ctx.clock.now() })
    .where(and(eq(staffSessions.userId, userId), isNull(staffSessions.revokedAt)));
}
