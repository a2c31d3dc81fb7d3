import { asc, eq, max } from 'drizzle-orm';
import { categories, departments, type PRIORITIES } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { conflict, notFound } from '../../errors.ts';
import type { Staff } from '../staff/session.ts';
import { assertAdmin, changedFields, isUniqueViolation, nextSortOrder, referenceWritten } from './access.ts';
import { activeDepartmentId } from './departments.ts';

/**
 * The kinds of problem a citizen picks from, each with the department a case
 * is suggested to and its starting priority. Cases point at categories, so a
 * category is deactivated (gone from /api/meta and intake), never deleted.
 */
type Priority = (typeof PRIORITIES)[number];

export interface AdminCategory {
  code: string;
  nameZh: string;
  nameEn: string;
  defaultDepartment: string | null;
  defaultPriority: Priority;
  active: boolean;
  sortOrder: number;
}

function selectCategories(ctx: Ctx) {
  return ctx.db
    .select({
      code: categories.code,
      nameZh: categories.nameZh,
      nameEn: categories.nameEn,
      defaultDepartment: departments.code,
      defaultPriority: categories.defaultPriority,
      active: categories.active,
      sortOrder: categories.sortOrder,
    })
    .from(categories)
    .leftJoin(departments, eq(departments.id, categories.defaultDepartmentId));
}

export async function listCategories({ ctx, actor }: { ctx: Ctx; actor: Staff }): Promise<AdminCategory[]> {
  assertAdmin(actor);
  return selectCategories(ctx).orderBy(asc(categories.sortOrder), asc(categories.id));
}

async function oneCategory(ctx: Ctx, code: string): Promise<AdminCategory> {
  const [row] = await selectCategories(ctx).where(eq(categories.code, code));
  if (!row) throw notFound('category.not_found');
  return row;
}

export interface CreateCategoryInput {
  code: string;
  nameZh: string;
  nameEn: string;
  defaultDepartment: string;
  defaultPriority: Priority;
  /** Omitted: after the last category. */
  sortOrder?: number | undefined;
}

export async function createCategory({ ctx, actor, input }: { ctx: Ctx; actor: Staff; input: CreateCategoryInput }): Promise<AdminCategory> {
  assertAdmin(actor);
  const now = ctx.clock.now();
  let created: AdminCategory;
  try {
    created = await withTransaction(ctx, async (tx) => {
      const defaultDepartmentId = await activeDepartmentId(tx, input.defaultDepartment, 'defaultDepartment');
      const sortOrder = input.sortOrder ?? nextSortOrder(await tx.db.select({ max: max(categories.sortOrder) }).from(categories));
      await tx.db.insert(categories).values({
        code: input.code,
        nameZh: input.nameZh,
        nameEn: input.nameEn,
        defaultDepartmentId,
        defaultPriority: input.defaultPriority,
        sortOrder,
        createdAt: now,
        updatedAt: now,
      });
      return oneCategory(tx, input.code);
    });
  } catch (err) {
    if (isUniqueViolation(err, 'categories_code_unique')) throw conflict('category.code_taken', { code: input.code });
    throw err;
  }
  referenceWritten(ctx, actor, 'admin: category created', { code: created.code, defaultDepartment: created.defaultDepartment });
  return created;
}

export interface UpdateCategoryInput {
  code: string;
  nameZh?: string | undefined;
  nameEn?: string | undefined;
  defaultDepartment?: string | undefined;
  defaultPriority?: Priority | undefined;
  active?: boolean | undefined;
  sortOrder?: number | undefined;
}

export async function updateCategory({ ctx, actor, input }: { ctx: Ctx; actor: Staff; input: UpdateCategoryInput }): Promise<AdminCategory> {
  assertAdmin(actor);
  const { code, defaultDepartment, ...rest } = input;
  const updated = await withTransaction(ctx, async (tx) => {
    await oneCategory(tx, code);
    const defaultDepartmentId = defaultDepartment === undefined ? undefined : await activeDepartmentId(tx, defaultDepartment, 'defaultDepartment');
    await tx.db
      .update(categories)
      .set({ ...rest, defaultDepartmentId, updatedAt: tx.clock.now() })
      .where(eq(categories.code, code));
    return oneCategory(tx, code);
  });
  referenceWritten(ctx, actor, 'admin: category updated', { code, fields: changedFields({ defaultDepartment, ...rest }) });
  return updated;
}
