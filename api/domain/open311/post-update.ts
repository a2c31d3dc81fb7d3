import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { caseEvents, cases, open311UpdateReceipts, outbox } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { isStorableText, UNSTORABLE_MESSAGE } from '../../contract/text.ts';
import { DomainError, type FieldIssue, invalidInput, notFound } from '../../errors.ts';
import { t } from '../../i18n.ts';
import { authenticateApiKey } from './api-keys.ts';
import { parseW3cDate } from './filters.ts';
import { normalizePublicId } from './public-id.ts';
import { OPEN311_DESCRIPTION_MAX } from './submit.ts';

/**
 * A citizen's update posted through an Open311 app (mySociety's
 * `POST servicerequestupdates`, as FixMyStreet's post_service_request_update
 * sends it: service_request_id, update_id, updated_datetime, status,
 * description, the citizen's name and contact, media_url).
 *
 * Only the key that filed the request may add to it. The update goes on the
 * case timeline as an internal `open311_update` event (staff read it; it never
 * comes back out through Open311), the lead department's mailbox hears of it,
 * and the answer is the event's id. A repeated (key, update_id) — a client
 * retrying after a lost answer — answers the same id and adds nothing
 * (`open311_update_receipts`). The name, phone and email a client sends with
 * an update are not kept: the case already has its reporter.
 */
export const OPEN311_UPDATE_EVENT = 'open311_update';

export interface PostUpdateInput {
  apiKey?: string | undefined;
  requestId?: string | undefined;
  updateId?: string | undefined;
  updatedAt?: string | undefined;
  status?: string | undefined;
  description?: string | undefined;
  mediaUrl?: string | undefined;
}

const UPDATE_ID_MAX = 100;
const MediaUrl = z.url({ protocol: /^https?$/ }).max(2000);
/** FixMyStreet's statuses (OPEN, CLOSED, FIXED, IN_PROGRESS, ACTION_SCHEDULED, …): the app's view, kept as said. */
const STATUS = /^[A-Za-z][A-Za-z_ -]{0,39}$/;

class AlreadyReceived extends Error {}

export async function postRequestUpdate({ ctx, input }: { ctx: Ctx; input: PostUpdateInput }): Promise<{ updateId: string }> {
  const key = await authenticateApiKey(ctx, input.apiKey);

  const issues: FieldIssue[] = [];
  const issue = (field: string, code: string, messageKey: string, params: Record<string, string | number> = {}) => issues.push({ field, code, message: t(ctx.lang, messageKey, params) });
  const required = (field: string, value: string | undefined) => {
    if (!value) issue(field, 'required', 'open311.field_required', { field });
    return value;
  };
  const requestId = required('service_request_id', input.requestId);
  const updateId = required('update_id', input.updateId);
  if (updateId && updateId.length > UPDATE_ID_MAX) issue('update_id', 'too_big', 'open311.field_too_long', { field: 'update_id', max: UPDATE_ID_MAX });
  const text = input.description?.trim();
  if (!text && !input.mediaUrl) issue('description', 'required', 'description.blank');
  if (text && text.length > OPEN311_DESCRIPTION_MAX) issue('description', 'too_big', 'open311.field_too_long', { field: 'description', max: OPEN311_DESCRIPTION_MAX });
  if (input.status && !STATUS.test(input.status)) issue('status', 'invalid', 'open311.update_status_invalid');
  const saidAt = input.updatedAt ? parseW3cDate(input.updatedAt) : undefined;
  if (input.updatedAt && !saidAt) issue('updated_datetime', 'invalid', 'open311.date_invalid', { field: 'updated_datetime' });
  if (input.mediaUrl && !MediaUrl.safeParse(input.mediaUrl).success) issue('media_url', 'invalid', 'open311.media_url_invalid');
  for (const [field, value] of Object.entries({ service_request_id: input.requestId, update_id: input.updateId, description: input.description, media_url: input.mediaUrl })) {
    if (value && !isStorableText(value)) issue(field, 'invalid', UNSTORABLE_MESSAGE);
  }
  if (issues.length || !requestId || !updateId) throw invalidInput('invalid_input', issues, { fields: [...new Set(issues.map((i) => i.field))].join(', ') });

  const publicId = normalizePublicId(requestId);
  const [target] = publicId
    ? await ctx.db
        .select({ id: cases.id, trackingCode: cases.trackingCode, apiKeyId: cases.apiKeyId, stationId: cases.stationId, leadDepartmentId: cases.leadDepartmentId })
        .from(cases)
        .where(eq(cases.publicId, publicId))
        .limit(1)
    : [];
  if (!target) throw notFound('open311.request_not_found', { id: requestId.slice(0, 40) });
  if (target.apiKeyId !== key.id) throw new DomainError('forbidden', 'open311.update_not_filer');

  const earlier = await receipt(ctx, key.id, updateId);
  if (earlier) return answerFor(earlier, target.id);

  try {
    return await withTransaction(ctx, async (tx) => {
      const now = tx.clock.now();
      const [event] = await tx.db
        .insert(caseEvents)
        .values({
          caseId: target.id,
          type: OPEN311_UPDATE_EVENT,
          at: now,
          actorType: 'citizen',
          actorId: null,
          isPublic: false,
          data: {
            ...(text ? { text } : {}),
            ...(input.mediaUrl ? { mediaUrl: input.mediaUrl } : {}),
            ...(input.status ? { status: input.status.toLowerCase() } : {}),
            ...(saidAt ? { saidAt: saidAt.toISOString() } : {}),
            apiKeyId: key.id,
            apiKeyName: key.name,
            clientUpdateId: updateId,
          },
        })
        .returning({ id: caseEvents.id });
      const kept = await tx.db
        .insert(open311UpdateReceipts)
        .values({ apiKeyId: key.id, clientUpdateId: updateId, caseEventId: event!.id, receivedAt: now })
        .onConflictDoNothing()
        .returning({ caseEventId: open311UpdateReceipts.caseEventId });
      // Another request with the same update_id committed first: undo this one and answer as it did.
      if (!kept.length) throw new AlreadyReceived();
      await tx.db.update(cases).set({ updatedAt: now }).where(eq(cases.id, target.id));
      await notifyLeadDepartment(tx, target, { client: key.name, hasMedia: Boolean(input.mediaUrl), eventId: event!.id });
      ctx.logger.info('open311 update received', { requestId: ctx.requestId, apiKeyId: key.id, caseEventId: event!.id });
      return { updateId: String(event!.id) };
    });
  } catch (err) {
    if (!(err instanceof AlreadyReceived)) throw err;
    const first = await receipt(ctx, key.id, updateId);
    if (!first) throw err;
    return answerFor(first, target.id);
  }
}

async function receipt(ctx: Ctx, apiKeyId: string, updateId: string) {
  const [row] = await ctx.db
    .select({ eventId: open311UpdateReceipts.caseEventId, caseId: caseEvents.caseId })
    .from(open311UpdateReceipts)
    .innerJoin(caseEvents, eq(caseEvents.id, open311UpdateReceipts.caseEventId))
    .where(and(eq(open311UpdateReceipts.apiKeyId, apiKeyId), eq(open311UpdateReceipts.clientUpdateId, updateId)));
  return row;
}

/** A retried update answers its first id; the same update_id on another request is the client's mistake. */
function answerFor(earlier: { eventId: number; caseId: string }, caseId: string): { updateId: string } {
  if (earlier.caseId !== caseId) throw new DomainError('conflict', 'open311.update_id_taken');
  return { updateId: String(earlier.eventId) };
}

/** The handler hears of it: a mail to the lead department's mailbox (an unassigned case waits in the dispatchers' queue). */
async function notifyLeadDepartment(
  ctx: Ctx,
  target: { id: string; trackingCode: string; stationId: number; leadDepartmentId: number | null },
  about: { client: string; hasMedia: boolean; eventId: number },
) {
  if (target.leadDepartmentId === null) return;
  const ref = await ctx.reference.get(ctx.db);
  const department = ref.departmentsById.get(target.leadDepartmentId);
  if (!department?.email) return;
  await ctx.db
    .insert(outbox)
    .values({
      channel: 'email',
      recipient: department.email,
      template: 'citizen_update',
      lang: 'zh-CN',
      payload: { trackingCode: target.trackingCode, station: ref.stationsById.get(target.stationId)?.nameZh ?? '', client: about.client, hasMedia: about.hasMedia },
      caseId: target.id,
      idempotencyKey: `citizen_update:${target.id}:${about.eventId}`,
      nextAttemptAt: ctx.clock.now(),
    })
    .onConflictDoNothing({ target: outbox.idempotencyKey });
}
