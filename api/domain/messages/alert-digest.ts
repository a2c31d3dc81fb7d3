import { and, asc, eq, gt, inArray, like } from 'drizzle-orm';
import { outbox } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';

/**
 * The deadline sweep's mail: one digest per recipient per sweep (supervisors get
 * red cases and escalations, a department's mailbox its warnings), instead of a
 * mail per clock per case.
 *
 * A sweep commits its alerts batch by batch, and each alert's mail must be as
 * durable as the alert itself. So every batch writes, in its own transaction,
 * one held part per recipient (an `alert_digest` row not due before HOLD_MINUTES),
 * and the sweep ends by merging every held part into one due digest per
 * recipient, in one transaction that inserts the digest and deletes its parts.
 * Each alert is thus mailed exactly once: a part belongs to one batch, the merge
 * locks parts with SKIP LOCKED (overlapping sweeps split them), and a sweep that
 * died before merging leaves its parts to the next sweep — or, if none comes, to
 * delivery when the hold ends, as digests of their own.
 *
 * Idempotency keys are a hash of the recipient and the alerts listed, so a
 * digest written twice for the same alerts is one row.
 */
export type DigestKind = 'red' | 'escalation' | 'warning';

/** One line of a digest: what a supervisor needs to open the case, and no citizen's data. */
export interface DigestItem {
  kind: DigestKind;
  caseId: string;
  trackingCode: string;
  clock: string;
  dueAt: string;
  station: string;
  department: string;
  priority: string;
  owner: string;
}

export const DIGEST_TEMPLATE = 'alert_digest';
const PART_PREFIX = 'alert-part:';
const DIGEST_PREFIX = 'alert-digest:';
/** Long enough for any sweep to merge its parts; short enough that a part no sweep merges still goes out soon. */
const HOLD_MINUTES = 10;

const KIND_ORDER: Record<DigestKind, number> = { red: 0, escalation: 1, warning: 2 };
const itemKey = (i: DigestItem) => `${i.caseId}|${i.clock}|${i.kind}|${i.dueAt}`;

async function digestKey(prefix: string, recipient: string, items: DigestItem[]): Promise<string> {
  const text = [recipient.toLowerCase(), ...items.map(itemKey).sort()].join('\n');
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return prefix + Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}

function sorted(items: DigestItem[]): DigestItem[] {
  return [...items].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.dueAt.localeCompare(b.dueAt) || a.trackingCode.localeCompare(b.trackingCode));
}

/** Groups by address, case-insensitively, keeping the first spelling met. */
function byRecipient(entries: Array<{ recipient: string; items: DigestItem[] }>): Map<string, { recipient: string; items: DigestItem[] }> {
  const groups = new Map<string, { recipient: string; items: DigestItem[] }>();
  for (const { recipient, items } of entries) {
    const key = recipient.toLowerCase();
    const group = groups.get(key) ?? { recipient, items: [] };
    group.items.push(...items);
    groups.set(key, group);
  }
  return groups;
}

/** One outbox row per recipient: a held part (PART_PREFIX) or a due digest (DIGEST_PREFIX). */
function digestRows(groups: Map<string, { recipient: string; items: DigestItem[] }>, prefix: string, nextAttemptAt: Date, now: Date) {
  return Promise.all(
    [...groups.values()].map(async ({ recipient, items }) => ({
      channel: 'email' as const,
      recipient,
      template: DIGEST_TEMPLATE,
      lang: 'zh-CN',
      payload: { items: sorted(items) },
      idempotencyKey: await digestKey(prefix, recipient, items),
      nextAttemptAt,
      createdAt: now,
    })),
  );
}

/** Writes one held part per recipient for the alerts of one batch, in the batch's transaction. */
export async function holdDigestParts(ctx: Ctx, entries: Array<{ recipient: string; item: DigestItem }>): Promise<void> {
  const groups = byRecipient(entries.map((e) => ({ recipient: e.recipient, items: [e.item] })));
  if (!groups.size) return;
  const now = ctx.clock.now();
  const heldUntil = new Date(now.getTime() + HOLD_MINUTES * 60_000);
  const rows = await digestRows(groups, PART_PREFIX, heldUntil, now);
  await ctx.db.insert(outbox).values(rows).onConflictDoNothing();
}

/**
 * Merges every held part into one due digest per recipient; returns how many
 * digests it wrote. Run in a transaction of its own.
 */
export async function releaseDigests(ctx: Ctx): Promise<number> {
  const now = ctx.clock.now();
  const parts = await ctx.db
    .select({ id: outbox.id, recipient: outbox.recipient, payload: outbox.payload })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), gt(outbox.nextAttemptAt, now), eq(outbox.template, DIGEST_TEMPLATE), like(outbox.idempotencyKey, `${PART_PREFIX}%`)))
    .orderBy(asc(outbox.id))
    .for('update', { skipLocked: true });
  if (!parts.length) return 0;
  const groups = byRecipient(parts.map((p) => ({ recipient: p.recipient, items: (p.payload as { items?: DigestItem[] }).items ?? [] })));
  const rows = await digestRows(groups, DIGEST_PREFIX, now, now);
  const written = await ctx.db.insert(outbox).values(rows).onConflictDoNothing().returning({ id: outbox.id });
  await ctx.db.delete(outbox).where(
    inArray(
      outbox.id,
      parts.map((p) => p.id),
    ),
  );
  return written.length;
}
