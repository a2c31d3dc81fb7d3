import { eq } from 'drizzle-orm';
import { caseDepartments } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { invalidInput } from '../../errors.ts';
import type { Staff } from '../staff/session.ts';
import { commitTransition, openForVerb } from './transition.ts';

export interface AssignInput {
  caseId: string;
  version: number;
  leadDepartment: string;
  coDepartments?: string[] | undefined;
  note?: string | undefined;
}

/**
 * Assigns (派单) a case to a lead department and optional co-handling ones, or
 * reassigns it: the new lead must acknowledge again.
 */
export async function assign({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: AssignInput }) {
  return withTransaction(ctx, async (tx) => {
    const { row } = await openForVerb(tx, { staff, caseId: input.caseId, verb: 'assign', version: input.version });
    const ref = await tx.reference.get(tx.db);
    const byCode = new Map(ref.departments.filter((d) => d.active).map((d) => [d.code, d]));
    const lead = byCode.get(input.leadDepartment);
    const co = (input.coDepartments ?? []).filter((c) => c !== input.leadDepartment).map((c) => ({ code: c, dept: byCode.get(c) }));
    const unknown = [...(lead ? [] : [input.leadDepartment]), ...co.filter((c) => !c.dept).map((c) => c.code)];
    if (!lead || unknown.length) {
      throw invalidInput('department.unknown', [{ field: lead ? 'coDepartments' : 'leadDepartment', code: 'unknown', message: 'department.unknown' }]);
    }
    const coIds = [...new Set(co.map((c) => c.dept!.id))];
    await tx.db.delete(caseDepartments).where(eq(caseDepartments.caseId, row.id));
    if (coIds.length) await tx.db.insert(caseDepartments).values(coIds.map((departmentId) => ({ caseId: row.id, departmentId })));
    const reassigned = row.leadDepartmentId !== null && row.leadDepartmentId !== lead.id;
    // The lead department hears of a new case by email when it has a mailbox.
    const station = ref.stationsById.get(row.stationId);
    const category = ref.categoriesById.get(row.categoryId);
    const notice = lead.email
      ? [
          {
            channel: 'email' as const,
            recipient: lead.email,
            template: 'assignment',
            lang: 'zh-CN',
            payload: {
              trackingCode: row.trackingCode,
              department: lead.code,
              departmentName: lead.nameZh,
              station: station?.nameZh ?? null,
              category: category?.nameZh ?? null,
              priority: row.priority,
              ackDueAt: row.ackDueAt.toISOString(),
              replyDueAt: row.replyDueAt.toISOString(),
            },
            idempotencyKey: `assignment:${row.id}:${row.version}:${lead.code}`,
          },
        ]
      : [];
    return commitTransition(tx, {
      row,
      staff,
      messages: notice,
      set: {
        status: 'assigned',
        leadDepartmentId: lead.id,
        // A new lead department acknowledges afresh; the clock keeps running from receipt.
        ...(reassigned ? { acknowledgedAt: null } : {}),
      },
      event: {
        type: reassigned ? 'reassigned' : 'assigned',
        isPublic: true,
        data: { leadDepartment: lead.code, coDepartments: co.map((c) => c.code), ...(input.note ? { note: input.note } : {}) },
      },
    });
  });
}
