import { and, eq, sql } from 'drizzle-orm';
import { staffSessions, staffUsers } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { DomainError } from '../../errors.ts';
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from '../../password.ts';
import { SESSION_HOURS, type Staff } from './session.ts';
import { accountDelayMs, clearFailures, pruneFailures, readFailures, recordFailure } from './sign-in-failures.ts';
import { hashToken, randomToken } from './tokens.ts';

/** Waits before a sign-in is checked. Injected, so that tests see the pause without taking it. */
export type Pause = (ms: number) => Promise<void>;
export const realPause: Pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Signs in with email and password. An unknown email, a wrong password, an
 * inactive account and a client locked out of the account all get the same
 * answer, so that a stranger learns neither who works here nor whose account
 * they have locked. See sign-in-failures.ts for who gets locked and who slowed.
 */
export async function signIn({ ctx, input, client, pause = realPause }: { ctx: Ctx; input: { email: string; password: string }; client: string | undefined; pause?: Pause }) {
  const now = ctx.clock.now();
  const account = input.email.trim().toLowerCase();
  const from = client ?? 'unknown';
  const failed = () => new DomainError('unauthorized', 'sign_in_failed');

  const state = await readFailures(ctx, account, from, now);
  if (state.lockedUntil && state.lockedUntil > now) {
    // No hashing for a client that is locked out: its guesses cost us nothing more.
    ctx.logger.warn('staff sign-in refused: client locked out of the account', { requestId: ctx.requestId });
    throw failed();
  }
  const delay = accountDelayMs(state.accountFailures);
  if (delay > 0) await pause(delay);

  const [user] = await ctx.db.select().from(staffUsers).where(sql`lower(${staffUsers.email}) = ${account}`).limit(1);
  const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user?.active || !ok) {
    const failures = await recordFailure(ctx, account, from, now);
    ctx.logger.warn('staff sign-in failed', { requestId: ctx.requestId, ...(user ? { userId: user.id } : {}), failures, delayMs: delay });
    throw failed();
  }

  // Hashes made with older parameters are replaced now, while the password is at hand.
  const rehashed = needsRehash(user.passwordHash) ? await hashPassword(input.password) : undefined;
  const token = randomToken();
  const csrfToken = randomToken();
  await withTransaction(ctx, async (txCtx) => {
    const tx = txCtx.db;
    if (rehashed) {
      // Only over the hash we verified: a password an admin set meanwhile wins.
      await tx
        .update(staffUsers)
        .set({ passwordHash: rehashed })
        .where(and(eq(staffUsers.id, user.id), eq(staffUsers.passwordHash, user.passwordHash)));
    }
    await clearFailures(txCtx, account, from);
    await pruneFailures(txCtx, now);
    await tx.insert(staffSessions).values({
      tokenHash: await hashToken(token),
      userId: user.id,
      csrfToken,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_HOURS * 3600_000),
    });
  });
  ctx.logger.info('staff signed in', { requestId: ctx.requestId, userId: user.id, ...(rehashed ? { rehashed: true } : {}) });
  const staff: Staff = { id: user.id, email: user.email, name: user.name, role: user.role, departmentId: user.departmentId };
  return { token, csrfToken, staff, expiresAt: new Date(now.getTime() + SESSION_HOURS * 3600_000) };
}
