import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { cases, departments } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { conflict, notFound } from '../../errors.ts';
import type { Staff } from '../staff/session.ts';
import { assertAdmin, changedFields, isUniqueViolation, referenceWritten, unknownReference } from './access.ts';

/**
 * The office's sections (科室) and its partner units. Codes never change and
 * rows are never deleted — cases, categories and staff point at them — so a
 * department that closes is deactivated, once no open case is led by it.
 */
export interface AdminDepartment {
  id: number;
  code: string;
  nameZh: string;
  nameEn: string;
  isPartner: boolean;
  email: string | null;
  active: boolean;
}

/** Statuses in which a case still needs its lead department. */
const OPEN_STATUSES = ['new', 'assigned', 'in_progress'] as const;

const columns = {
  id: departments.id,
  code: departments.code,
  nameZh: departments.nameZh,
  nameEn: departments.nameEn,
  isPartner: departments.isPartner,
  email: departments.email,
  active: departments.active,
};

export async function listDepartments({ ctx, actor }: { ctx: Ctx; actor: Staff }): Promise<AdminDepartment[]> {
  assertAdmin(actor);
  return ctx.db.select(columns).from(departments).orderBy(asc(departments.id));
}

/** The id of an active department, or a 400 naming `field`: new work is never pointed at a retired one. */
export async function activeDepartmentId(ctx: Ctx, code: string, field: string): Promise<number> {
  const [row] = await ctx.db
    .select({ id: departments.id })
    .from(departments)
    .where(and(eq(departments.code, code), eq(departments.active, true)))
    .limit(1);
  if (!row) throw unknownReference(field, 'department.unknown');
  return row.id;
}

export interface CreateDepartmentInput {
  code: string;
  nameZh: string;
  nameEn: string;
  isPartner: boolean;
  /** The section's mailbox (assignments, deadline warnings); null or absent for none. */
  email?: string | null | undefined;
}

export async function createDepartment({ ctx, actor, input }: { ctx: Ctx; actor: Staff; input: CreateDepartmentInput }): Promise<AdminDepartment> {
  assertAdmin(actor);
  const now = ctx.clock.now();
  let row: AdminDepartment | undefined;
  try {
    [row] = await ctx.db
      .insert(departments)
      .values({ ...input, email: input.email ?? null, createdAt: now, updatedAt: now })
      .returning(columns);
  } catch (err) {
    if (isUniqueViolation(err, 'departments_code_unique')) throw conflict('department.code_taken', { code: input.code });
    throw err;
  }
  referenceWritten(ctx, actor, 'admin: department created', { departmentId: row!.id, code: row!.code });
  return row!;
}

export interface UpdateDepartmentInput {
  code: string;
  nameZh?: string | undefined;
  nameEn?: string | undefined;
  /** A new mailbox, or null to clear it. */
  email?: string | null | undefined;
  active?: boolean | undefined;
}

export async function updateDepartment({ ctx, actor, input }: { ctx: Ctx; actor: Staff; input: UpdateDepartmentInput }): Promise<AdminDepartment> {
  assertAdmin(actor);
  const { code, ...patch } = input;
  const row = await withTransaction(ctx, async (tx) => {
    const [current] = await tx.db.select(columns).from(departments).where(eq(departments.code, code)).for('update');
    if (!current) throw notFound('department.not_found');
    if (patch.active === false && current.active) {
      // Retiring a department that still leads open cases would strand them: reassign first.
      const [open] = await tx.db
        .select({ n: count() })
        .from(cases)
        .where(and(eq(cases.leadDepartmentId, current.id), inArray(cases.status, [...OPEN_STATUSES])));
      if (open && open.n > 0) throw conflict('department.has_open_cases', { count: open.n });
    }
    const [updated] = await tx.db
      .update(departments)
      .set({ ...patch, updatedAt: tx.clock.now() })
      .where(eq(departments.id, current.id))
      .returning(columns);
    return updated!;
  });
  referenceWritten(ctx, actor, 'admin: department updated', { departmentId: row.id, code: row.code, fields: changedFields(patch) });
  return row;
}
