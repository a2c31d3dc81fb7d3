import { asc, eq, type SQL, sql } from 'drizzle-orm';
import { departments, staffUsers } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { conflict, invalidInput, notFound } from '../../errors.ts';
import { hashPassword } from '../../password.ts';
import { type Role, revokeAllSessions, type Staff } from '../staff/session.ts';
import { forgetAccountFailures } from '../staff/sign-in-failures.ts';
import { assertAdmin, changedFields, isUniqueViolation } from './access.ts';
import { activeDepartmentId } from './departments.ts';

/**
 * Staff accounts. Nobody is deleted (timelines name them); leavers are
 * deactivated. Whatever takes power away — deactivation, a new password, a new
 * role — ends the account's sessions at once. An admin cannot deactivate or
 * demote themselves, so there is always at least one admin left.
 */
export interface AdminStaff {
  id: string;
  email: string;
  name: string;
  role: Role;
  department: string | null;
  active: boolean;
  lockedUntil: Date | null;
  createdAt: Date;
}

/** Never the password hash. */
function selectStaff(ctx: Ctx, where?: SQL) {
  return ctx.db
    .select({
      id: staffUsers.id,
      email: staffUsers.email,
      name: staffUsers.name,
      role: staffUsers.role,
      department: departments.code,
      active: staffUsers.active,
      // The latest lock any client address is under for this account (sign-ins lock per address).
      lockedUntil: sql<Date | null>`(
        select max(f.locked_until) from sign_in_failures f
        where f.account = lower(${staffUsers.email}) and f.locked_until > ${ctx.clock.now().toISOString()}::timestamptz)`.mapWith((v: string | Date | null) =>
        v === null ? null : new Date(v),
      ),
      createdAt: staffUsers.createdAt,
    })
    .from(staffUsers)
    .leftJoin(departments, eq(departments.id, staffUsers.departmentId))
    .where(where)
    .orderBy(asc(staffUsers.createdAt), asc(staffUsers.id));
}

export async function listStaff({ ctx, actor }: { ctx: Ctx; actor: Staff }): Promise<AdminStaff[]> {
  assertAdmin(actor);
  return selectStaff(ctx);
}

async function oneStaff(ctx: Ctx, id: string): Promise<AdminStaff> {
  const [row] = await selectStaff(ctx, eq(staffUsers.id, id));
  if (!row) throw notFound('staff.not_found');
  return row;
}

/** A handler works the cases of one department; without one they could see nothing and do nothing. */
function requireDepartmentForHandler(role: Role, departmentId: number | null) {
  if (role === 'handler' && departmentId === null) {
    throw invalidInput('staff.department_required', [{ field: 'department', code: 'required', message: 'staff.department_required' }]);
  }
}

export interface CreateStaffInput {
  email: string;
  name: string;
  role: Role;
  department?: string | undefined;
  password: string;
}

export async function createStaff({ ctx, actor, input }: { ctx: Ctx; actor: Staff; input: CreateStaffInput }): Promise<AdminStaff> {
  assertAdmin(actor);
  const departmentId = input.department === undefined ? null : await activeDepartmentId(ctx, input.department, 'department');
  requireDepartmentForHandler(input.role, departmentId);
  const passwordHash = await hashPassword(input.password);
  const now = ctx.clock.now();
  let id: string;
  try {
    const [row] = await ctx.db
      .insert(staffUsers)
      .values({ email: input.email.trim().toLowerCase(), name: input.name, role: input.role, departmentId, passwordHash, createdAt: now, updatedAt: now })
      .returning({ id: staffUsers.id });
    id = row!.id;
  } catch (err) {
    // The index is on lower(email), so this catches Ann@ against ann@ too.
    if (isUniqueViolation(err, 'staff_users_email_uq')) throw conflict('staff.email_taken');
    throw err;
  }
  ctx.logger.info('admin: staff created', { requestId: ctx.requestId, actorId: actor.id, userId: id, role: input.role, departmentId });
  return oneStaff(ctx, id);
}

export interface UpdateStaffInput {
  id: string;
  name?: string | undefined;
  role?: Role | undefined;
  /** A department code; null takes the member out of any department. */
  department?: string | null | undefined;
  active?: boolean | undefined;
  password?: string | undefined;
}

export async function updateStaff({ ctx, actor, input }: { ctx: Ctx; actor: Staff; input: UpdateStaffInput }): Promise<AdminStaff> {
  assertAdmin(actor);
  const { id, password, department, ...rest } = input;
  if (id === actor.id && rest.active === false) throw conflict('staff.self_deactivate');
  if (id === actor.id && rest.role !== undefined && rest.role !== 'admin') throw conflict('staff.self_demote');
  // Hashing is deliberately slow: do it before the transaction takes its locks.
  const passwordHash = password === undefined ? undefined : await hashPassword(password);
  const result = await withTransaction(ctx, async (tx) => {
    const [current] = await tx.db
      .select({ role: staffUsers.role, departmentId: staffUsers.departmentId, active: staffUsers.active })
      .from(staffUsers)
      .where(eq(staffUsers.id, id))
      .for('update');
    if (!current) throw notFound('staff.not_found');
    const departmentId = department === undefined ? current.departmentId : department === null ? null : await activeDepartmentId(tx, department, 'department');
    requireDepartmentForHandler(rest.role ?? current.role, departmentId);
    await tx.db
      .update(staffUsers)
      .set({
        ...rest,
        departmentId,
        ...(passwordHash === undefined ? {} : { passwordHash }),
        updatedAt: tx.clock.now(),
      })
      .where(eq(staffUsers.id, id));
    // A new password also lifts every sign-in lock on the account: that is usually why it was reset.
    if (passwordHash !== undefined) await forgetAccountFailures(tx, id);
    const endSessions = (rest.active === false && current.active) || passwordHash !== undefined || (rest.role !== undefined && rest.role !== current.role);
    if (endSessions) await revokeAllSessions(tx, id);
    return { row: await oneStaff(tx, id), endSessions };
  });
  ctx.logger.info('admin: staff updated', {
    requestId: ctx.requestId,
    actorId: actor.id,
    userId: id,
    fields: changedFields({ ...rest, department, password }),
    sessionsEnded: result.endSessions,
  });
  return result.row;
}
