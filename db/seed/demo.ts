import { sql } from 'drizzle-orm';
import { hashPassword } from '../../api/password.ts';
import type { Db } from '../client.ts';
import { departments, type STAFF_ROLES, staffUsers } from '../schema.ts';

/** The demo sign-ins: on the embedded database, or with SEED_DEMO=1. Never on a real server by default. */
export const DEMO_STAFF: Array<{ email: string; name: string; role: (typeof STAFF_ROLES)[number]; department?: string; what: string }> = [
  { email: 'dispatcher@demo.test', name: '王调度', role: 'dispatcher', what: 'triages the queue, assigns, merges, returns' },
  { email: 'handler@demo.test', name: '李承办', role: 'handler', department: 'enf1', what: '执法一科: acknowledges, contacts, replies' },
  { email: 'supervisor@demo.test', name: '张督办', role: 'supervisor', what: 'watches overdue and red cases, approves extensions' },
  { email: 'admin@demo.test', name: '赵管理', role: 'admin', what: 'manages staff, departments, categories, locations' },
];

/** Adds the demo accounts that are missing; existing ones (and their passwords) are left alone. */
export async function seedDemoStaff(db: Db, password: string): Promise<number> {
  const existing = await db
    .select({ email: staffUsers.email })
    .from(staffUsers)
    .where(sql`lower(${staffUsers.email}) in ${DEMO_STAFF.map((s) => s.email)}`);
  const have = new Set(existing.map((e) => e.email.toLowerCase()));
  const missing = DEMO_STAFF.filter((s) => !have.has(s.email));
  if (!missing.length) return 0;
  const depts = await db.select({ id: departments.id, code: departments.code }).from(departments);
  const deptId = new Map(depts.map((d) => [d.code, d.id]));
  // One hash for all: the demo accounts share one password anyway.
  const passwordHash = await hashPassword(password);
  await db
    .insert(staffUsers)
    .values(missing.map((s) => ({ email: s.email, name: s.name, role: s.role, departmentId: s.department ? (deptId.get(s.department) ?? null) : null, passwordHash })))
    .onConflictDoNothing();
  return missing.length;
}
