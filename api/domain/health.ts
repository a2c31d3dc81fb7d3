import { sql } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import { describeError } from '../logger.ts';

/** True when the database answers a trivial query. */
export async function databaseReachable({ ctx }: { ctx: Ctx }): Promise<boolean> {
  try {
    await ctx.db.execute(sql`select 1`);
    return true;
  } catch (err) {
    ctx.logger.error('health check failed', { requestId: ctx.requestId, ...describeError(err) });
    return false;
  }
}
