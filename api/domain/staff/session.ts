import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { staffSessions, staffUsers, type STAFF_ROLES } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { DomainError } from '../../errors.ts';
import { DUMMY_HASH, verifyPassword } from './password.ts';
import { hashToken, randomToken } from './tokens.ts';

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
/** Failed sign-ins allowed before the account locks; each further failure doubles the lock. */
export const FREE_ATTEMPTS = 5;
const MAX_LOCK_MINUTES = 60;

export function lockMinutes(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(MAX_LOCK_MINUTES, 2 ** (failures - FREE_ATTEMPTS));
}

/**
 * Signs in with email and password. A wrong password, an unknown email and a
 * locked account all answer "unauthorized" after the same hashing work; the
 * account locks for a growing time after repeated failures.
 */
export async function signIn({ ctx, input }: { ctx: Ctx; input: { email: string; password: string } }) {
  const now = ctx.clock.now();
  const [user] = await ctx.db
    .select()
    .from(staffUsers)
    .where(sql`lower(${staffUsers.email}) = ${input.email.trim().toLowerCase()}`)
    .limit(1);
  const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !user.active) throw new DomainError('unauthorized', 'sign_in_failed');
  if (user.lockedUntil && user.lockedUntil > now) {
    throw new DomainError('unauthorized', 'sign_in_locked', { minutes: Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 60_000) });
  }
  if (!ok) {
    const failures = user.failedSignIns + 1;
    const minutes = lockMinutes(failures);
    await ctx.db
      .update(staffUsers)
      .set({ failedSignIns: failures, lockedUntil: minutes ? new Date(now.getTime() + minutes * 60_000) : null })
      .where(eq(staffUsers.id, user.id));
    ctx.logger.warn('staff sign-in failed', { requestId: ctx.requestId, userId: user.id, failures });
    throw new DomainError('unauthorized', 'sign_in_failed');
  }
  const token = randomToken();
  const csrfToken = randomToken();
  await ctx.db.transaction(async (tx) => {
    await tx.update(staffUsers).set({ failedSignIns: 0, lockedUntil: null }).where(eq(staffUsers.id, user.id));
    await tx.insert(staffSessions).values({
      tokenHash: await hashToken(token),
      userId: user.id,
      csrfToken,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_HOURS * 3600_000),
    });
  });
  ctx.logger.info('staff signed in', { requestId: ctx.requestId, userId: user.id });
  const staff: Staff = { id: user.id, email: user.email, name: user.name, role: user.role, departmentId: user.departmentId };
  return { token, csrfToken, staff, expiresAt: new Date(now.getTime() + SESSION_HOURS * 3600_000) };
}

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
