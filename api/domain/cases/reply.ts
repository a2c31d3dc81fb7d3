import { type Ctx, withTransaction } from '../../context.ts';
import type { Staff } from '../staff/session.ts';
import { SURVEY_DELAY_MS, tellMergedReporters } from './merged-reporters.ts';
import { callback12345, citizenMessages, commitTransition, openForVerb } from './transition.ts';

export { SURVEY_DELAY_MS };

/**
 * The reply (答复): the text the citizen receives, by SMS and email, and on the
 * public status page. A reply without recorded contact records contact too.
 */
export async function reply({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string; version: number; text: string } }) {
  return withTransaction(ctx, async (tx) => {
    const { row } = await openForVerb(tx, { staff, caseId: input.caseId, verb: 'reply', version: input.version });
    const now = tx.clock.now();
    const key = `${row.id}:${row.version}`;
    // The reporters of duplicates merged into this case wait for this answer too.
    await tellMergedReporters(tx, row, { event: 'replied', text: input.text }, key);
    return commitTransition(tx, {
      row,
      staff,
      set: { status: 'replied', repliedAt: now, replyText: input.text, contactedAt: row.contactedAt ?? now },
      event: { type: 'replied', isPublic: true, data: { text: input.text } },
      // A 12345 order is answered through the platform, which runs its own follow-up (回访):
      // its caller gets neither our reply SMS nor our survey.
      messages: [
        ...(row.channel === '12345' ? [] : citizenMessages(row, 'reply', key, { text: input.text })),
        // One survey per reply, an hour later: SMS asks for 1/2/3, email links to the rating page.
        ...(row.channel === '12345' ? [] : citizenMessages(row, 'survey', key, {})).map((m) => ({ ...m, notBefore: new Date(now.getTime() + SURVEY_DELAY_MS) })),
        ...callback12345(tx, row, 'replied', key, { text: input.text }),
      ],
    });
  });
}
