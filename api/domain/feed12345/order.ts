import { z } from 'zod';
import type { CASE_KINDS } from '../../../db/schema.ts';

/**
 * One 12345 work order (工单) as the platform pushes it, and the same columns
 * in a CSV import. Unknown fields are ignored, so an adapter may send more.
 *
 * Times are ISO 8601. With an offset (`Z`, `+08:00`) they mean what they say;
 * without one (`2026-03-05 14:30`, as many city systems export) they are read
 * as Asia/Shanghai.
 */
const TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(?:\.\d{1,9})?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

export function parseFeedTime(value: string): Date | undefined {
  const m = TIME.exec(value.trim());
  if (!m) return undefined;
  const [, day, hm, seconds = ':00', zone = '+08:00'] = m;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const at = new Date(`${day}T${hm}${seconds.slice(0, 13)}${offset}`);
  if (Number.isNaN(at.getTime())) return undefined;
  // Date rolls 2026-02-30 over into March: refuse a day the calendar does not have.
  const offsetMs = offset === 'Z' ? 0 : (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6))) * 60_000;
  return new Date(at.getTime() + offsetMs).toISOString().slice(0, 10) === day ? at : undefined;
}

export const FeedTime = z
  .string()
  .max(40)
  .transform((v, ctx) => {
    const at = parseFeedTime(v);
    if (!at) ctx.addIssue({ code: 'custom', message: 'feed.time_invalid' });
    return at ?? new Date(0);
  })
  .meta({ description: 'ISO 8601; without an offset read as Asia/Shanghai', example: '2026-03-05T14:30:00+08:00' });

export const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v === null ? undefined : v);
export const optionalText = (max: number) => z.preprocess(blankToUndefined, z.string().trim().max(max).optional());

/** The platform's kind names: ours in English, or the Chinese ones of the 12345 system. */
export const KIND_ALIASES: Record<string, (typeof CASE_KINDS)[number]> = {
  consult: 'consult',
  help: 'help',
  complaint: 'complaint',
  report: 'report',
  suggestion: 'suggestion',
  咨询: 'consult',
  求助: 'help',
  投诉: 'complaint',
  举报: 'report',
  建议: 'suggestion',
};

export const URGENCIES = ['normal', 'urgent', 'emergency'] as const;
export type Urgency = (typeof URGENCIES)[number];

export const CONTENT_MAX = 4000;
export const ADDRESS_MAX = 200;

/** The fields, for the route to build its documented schema from (named FeedOrder there). */
export const FeedOrderShape = {
  orderNo: z.string().trim().min(1).max(64).meta({ description: '工单编号: the idempotency key', example: 'TJ2026030500123' }),
  receivedAt: FeedTime.meta({ description: 'When the platform took the call' }),
  dispatchedAt: FeedTime.meta({ description: 'When the platform dispatched it to this office; our clocks run from here' }),
  callerName: optionalText(50),
  callerPhone: z.string().trim().min(1).max(32).meta({ example: '13812345678' }),
  content: z.string().trim().min(1, 'description.blank').max(CONTENT_MAX).meta({ description: '诉求内容', example: '天津站前广场出站口有人拉客' }),
  kind: z
    .enum(Object.keys(KIND_ALIASES) as [string, ...string[]])
    .transform((k) => KIND_ALIASES[k]!)
    .meta({ description: 'consult | help | complaint | report | suggestion, or 咨询/求助/投诉/举报/建议' }),
  category: optionalText(64).meta({ description: 'A category code or name from /api/meta; unknown or missing → other (the raw value is kept)' }),
  address: optionalText(ADDRESS_MAX).meta({ description: 'Put before the content in the case description; a known place name sets the location' }),
  urgency: z.enum(URGENCIES).meta({ description: 'emergency → red (a dispatcher names the owning leader), urgent → yellow, normal → the category default' }),
  ackDueAt: z.preprocess(blankToUndefined, FeedTime.optional()).meta({ description: 'The platform’s acknowledge (签收) deadline; overrides local policy' }),
  dueAt: FeedTime.meta({ description: 'The platform’s reply deadline (办结时限); overrides local policy' }),
  station: optionalText(32).meta({ description: 'Station code or name; missing → the default station' }),
};

export const FeedOrder = z.object(FeedOrderShape);

export type FeedOrder = z.output<typeof FeedOrder>;

/** The order as last applied, without personal fields: what a later push is compared with. */
export interface OrderSnapshot {
  content: string;
  address: string | null;
  kind: string;
  /** As the platform sent it (null when missing). */
  category: string | null;
  categoryCode: string;
  urgency: string;
  station: string;
  receivedAt: string;
  dispatchedAt: string;
  ackDueAt: string | null;
  dueAt: string;
}

export const SNAPSHOT_FIELDS = [
  'content',
  'address',
  'kind',
  'category',
  'categoryCode',
  'urgency',
  'station',
  'receivedAt',
  'dispatchedAt',
  'ackDueAt',
  'dueAt',
] as const satisfies ReadonlyArray<keyof OrderSnapshot>;

/** The case description: the address first, so staff see where before what. */
export function composeDescription(content: string, address: string | null | undefined): string {
  return address ? `【地址】${address}\n${content}` : content;
}
