import { asc, eq, sql } from 'drizzle-orm';
import { deadlinePolicies } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import type { CaseKind, Channel, DurationUnit, Priority } from '../../contract/enums.ts';
import { DomainError, invalidInput, notFound } from '../../errors.ts';
import { assertAdmin } from '../admin/access.ts';
import type { Staff } from '../staff/session.ts';

/*
 * Admin edits of the deadline policies. New cases see a change at once on this
 * server and within the reference cache's lifetime on others; computed
 * deadlines stay as they are.
 *
 * A policy is matched most-specific-first on channel, kind, category and
 * priority (policy.ts). Two active policies with the same scope that both set
 * one clock tie: the older one always wins and the newer one never applies,
 * which an admin cannot see. Such a policy is refused (409) naming the one it
 * ties with, on creation, on an edit and on switching one back on.
 */

type Row = typeof deadlinePolicies.$inferSelect;
type Clock = { amount: number; unit: DurationUnit };

export interface PolicyInput {
  name: string;
  channel?: Channel | null | undefined;
  kind?: CaseKind | null | undefined;
  category?: string | null | undefined;
  priority?: Priority | null | undefined;
  ack?: Clock | null | undefined;
  contact?: Clock | null | undefined;
  reply?: Clock | null | undefined;
  source?: string | null | undefined;
  active?: boolean | undefined;
}

const CLOCKS = [
  { key: 'ack', amount: 'ackAmount', unit: 'ackUnit', words: { 'zh-CN': '签收', en: 'acknowledge' } },
  { key: 'contact', amount: 'contactAmount', unit: 'contactUnit', words: { 'zh-CN': '首次联系', en: 'first contact' } },
  { key: 'reply', amount: 'replyAmount', unit: 'replyUnit', words: { 'zh-CN': '答复', en: 'reply' } },
] as const;

/** A policy as the wire shows it: its category by code, as a client sends it. */
async function withCategoryCode(ctx: Ctx, rows: Row[]) {
  const ref = await ctx.reference.get(ctx.db);
  return rows.map((r) => ({ ...r, category: r.categoryId === null ? null : (ref.categoriesById.get(r.categoryId)?.code ?? null) }));
}

export async function listPolicies({ ctx, staff }: { ctx: Ctx; staff: Staff }) {
  assertAdmin(staff);
  return withCategoryCode(ctx, await ctx.db.select().from(deadlinePolicies).orderBy(asc(deadlinePolicies.id)));
}

async function policyColumns(ctx: Ctx, input: Partial<PolicyInput>) {
  const ref = await ctx.reference.get(ctx.db);
  let categoryId: number | null | undefined;
  if (input.category === null) categoryId = null;
  else if (input.category !== undefined) {
    const category = ref.categoriesByCode.get(input.category);
    if (!category) throw invalidInput('category.unknown', [{ field: 'category', code: 'unknown', message: 'category.unknown' }]);
    categoryId = category.id;
  }
  const clocks: Partial<Row> = {};
  for (const c of CLOCKS) {
    const v = input[c.key];
    if (v !== undefined) Object.assign(clocks, { [c.amount]: v?.amount ?? null, [c.unit]: v?.unit ?? null });
  }
  return {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.channel !== undefined ? { channel: input.channel } : {}),
    ...(input.kind !== undefined ? { kind: input.kind } : {}),
    ...(categoryId !== undefined ? { categoryId } : {}),
    ...(input.priority !== undefined ? { priority: input.priority } : {}),
    ...clocks,
    ...(input.source !== undefined ? { source: input.source } : {}),
    ...(input.active !== undefined ? { active: input.active } : {}),
  } satisfies Partial<Row>;
}

const sets = (p: Pick<Row, 'ackUnit' | 'contactUnit' | 'replyUnit'>) => CLOCKS.filter((c) => p[c.unit] !== null);

/**
 * The active policy the proposed one would tie with: same scope, and a clock
 * both set. Policy writes take a lock on the table first, so two admins adding
 * the same scope at once cannot both pass this check.
 */
async function assertNoTie(ctx: Ctx, proposed: Omit<Row, 'createdAt' | 'updatedAt'> | (Omit<Row, 'id' | 'createdAt' | 'updatedAt'> & { id?: undefined })) {
  if (!proposed.active) return;
  await ctx.db.execute(sql`LOCK TABLE deadline_policies IN SHARE ROW EXCLUSIVE MODE`);
  const others = await ctx.db.select().from(deadlinePolicies).where(eq(deadlinePolicies.active, true)).orderBy(asc(deadlinePolicies.id));
  const mine = sets(proposed);
  for (const other of others) {
    if (other.id === proposed.id) continue;
    const sameScope = other.channel === proposed.channel && other.kind === proposed.kind && other.categoryId === proposed.categoryId && other.priority === proposed.priority;
    if (!sameScope) continue;
    const shared = mine.filter((c) => other[c.unit] !== null);
    if (!shared.length) continue;
    const clocks = shared.map((c) => c.words[ctx.lang]).join(ctx.lang === 'zh-CN' ? '、' : ', ');
    throw new DomainError('conflict', 'policy.tie', { name: other.name, id: other.id, clocks }, { policy: { id: other.id, name: other.name }, clocks: shared.map((c) => c.key) });
  }
}

export async function createPolicy({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: PolicyInput }) {
  assertAdmin(staff);
  if (!input.ack && !input.contact && !input.reply) {
    throw invalidInput('policy.no_clock', [{ field: 'reply', code: 'required', message: 'policy.no_clock' }]);
  }
  const columns = (await policyColumns(ctx, input)) as typeof deadlinePolicies.$inferInsert;
  const row = await withTransaction(ctx, async (tx) => {
    await assertNoTie(tx, {
      name: columns.name,
      channel: columns.channel ?? null,
      kind: columns.kind ?? null,
      categoryId: columns.categoryId ?? null,
      priority: columns.priority ?? null,
      ackAmount: columns.ackAmount ?? null,
      ackUnit: columns.ackUnit ?? null,
      contactAmount: columns.contactAmount ?? null,
      contactUnit: columns.contactUnit ?? null,
      replyAmount: columns.replyAmount ?? null,
      replyUnit: columns.replyUnit ?? null,
      source: columns.source ?? null,
      active: columns.active ?? true,
    });
    const [inserted] = await tx.db.insert(deadlinePolicies).values(columns).returning();
    return inserted!;
  });
  ctx.reference.invalidate();
  ctx.logger.info('policy created', { requestId: ctx.requestId, staffId: staff.id, policyId: row.id });
  return (await withCategoryCode(ctx, [row]))[0]!;
}

/** Changes any part of a policy, or switches it off or on; the result must still set a clock and tie with none. */
export async function updatePolicy({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: Partial<PolicyInput> & { id: number } }) {
  assertAdmin(staff);
  const { id, ...rest } = input;
  const changes = await policyColumns(ctx, rest);
  const row = await withTransaction(ctx, async (tx) => {
    const [current] = await tx.db.select().from(deadlinePolicies).where(eq(deadlinePolicies.id, id)).for('update');
    if (!current) throw notFound('policy.not_found');
    const next = { ...current, ...changes };
    if (!sets(next).length) throw invalidInput('policy.no_clock', [{ field: 'reply', code: 'required', message: 'policy.no_clock' }]);
    await assertNoTie(tx, next);
    const [updated] = await tx.db
      .update(deadlinePolicies)
      .set({ ...changes, updatedAt: tx.clock.now() })
      .where(eq(deadlinePolicies.id, id))
      .returning();
    return updated!;
  });
  ctx.reference.invalidate();
  ctx.logger.info('policy updated', { requestId: ctx.requestId, staffId: staff.id, policyId: id });
  return (await withCategoryCode(ctx, [row]))[0]!;
}
