import type { Bilingual, Lang } from './lang.ts';

/*
 * The timeline's event types, and their words for each audience, in one table.
 * The staff console names every event; the public status page and Open311 name
 * only what they show (public events), each in its own voice: the status page
 * speaks to the reporter ("We contacted you"), Open311 about them ("Reporter
 * contacted"). An audience's column left out means "as the public page says";
 * a type without public words is never described to the public.
 * tests/unit/event-words.test.ts holds every type the domain writes to this table.
 */

export const EVENT_TYPES = [
  'created',
  'open311_submitted',
  'open311_update',
  'assigned',
  'reassigned',
  'acknowledged',
  'contacted',
  'note',
  'replied',
  'closed',
  'reopened',
  'returned',
  'merged',
  'duplicate_merged',
  'extension_requested',
  'extension_approved',
  'extension_refused',
  'priority_changed',
  'recategorized',
  'deadlines_recomputed',
  'relocated',
  'photos_added',
  'photo_published',
  'photo_hidden',
  'contact_revealed',
  'evaluated',
  'dissatisfied',
  'deadline_warning',
  'escalated',
  'red_escalated',
  'redispatched',
  'order_updated',
  'urged',
  'appeal_filed',
  'appeal_sent',
  'appeal_accepted',
  'appeal_refused',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type EventAudience = 'staff' | 'public' | 'open311';

export interface EventWords {
  /** The console's words: every event, internal ones included. */
  staff: Bilingual;
  /** The public status page's words, to the reporter; absent: not described to the public. */
  public?: Bilingual;
  /** Open311's words, about the reporter; absent: the public words. */
  open311?: Bilingual;
}

const w = (zh: string, en: string): Bilingual => ({ 'zh-CN': zh, en });

export const EVENT_WORDS: Record<EventType, EventWords> = {
  created: { staff: w('受理', 'Received'), public: w('受理', 'Received'), open311: w('已受理', 'Received') },
  open311_submitted: { staff: w('经 Open311 提交', 'Submitted through Open311') },
  // Internal: the reporter's own words, posted through the app they filed with (open311/post-update.ts); never published.
  open311_update: { staff: w('市民经应用补充信息', 'Reporter added information through their app') },
  assigned: { staff: w('派单', 'Assigned'), public: w('派单至承办科室', 'Assigned to a section'), open311: w('已派单', 'Assigned') },
  reassigned: { staff: w('改派', 'Reassigned'), public: w('改派承办科室', 'Reassigned to another section'), open311: w('已改派', 'Reassigned') },
  acknowledged: { staff: w('签收', 'Acknowledged'), public: w('承办科室签收', 'Acknowledged by the section'), open311: w('已签收', 'Acknowledged') },
  contacted: { staff: w('联系市民', 'Reporter contacted'), public: w('已与您联系', 'We contacted you'), open311: w('已联系反映人', 'Reporter contacted') },
  note: { staff: w('内部备注', 'Internal note') },
  replied: { staff: w('答复', 'Replied'), public: w('答复', 'Replied'), open311: w('已答复', 'Replied') },
  closed: { staff: w('办结', 'Closed'), public: w('办结', 'Closed'), open311: w('已办结', 'Closed') },
  reopened: { staff: w('重办', 'Reopened'), public: w('重新办理', 'Reopened'), open311: w('重新办理', 'Reopened') },
  returned: { staff: w('退回', 'Returned'), public: w('退回', 'Returned'), open311: w('已退回', 'Returned') },
  merged: {
    staff: w('合并至主件', 'Merged into the main case'),
    public: w('与同一问题的投诉合并办理', 'Merged with a case about the same problem'),
    open311: w('已合并', 'Merged'),
  },
  duplicate_merged: {
    staff: w('并入重复件', 'A duplicate merged into this case'),
    public: w('同一问题的其他投诉并入本件', 'Another report of the same problem joined this case'),
  },
  extension_requested: { staff: w('申请延期', 'Extension requested'), public: w('申请延期', 'Extension requested') },
  extension_approved: { staff: w('批准延期', 'Extension approved'), public: w('延期获批', 'Extension approved'), open311: w('已延期', 'Deadline extended') },
  extension_refused: { staff: w('驳回延期', 'Extension refused'), public: w('延期未获批准', 'Extension refused') },
  priority_changed: { staff: w('调整等级', 'Priority changed'), public: w('调整办理等级', 'Priority changed') },
  recategorized: { staff: w('调整类别', 'Category changed'), public: w('调整问题类别', 'Category changed') },
  deadlines_recomputed: { staff: w('期限重新计算', 'Deadlines recomputed'), public: w('办理期限重新计算', 'Deadlines recomputed') },
  relocated: { staff: w('更正车站和地点', 'Station and place corrected'), public: w('更正车站和地点', 'Station and place corrected') },
  photos_added: { staff: w('添加照片', 'Photos added') },
  photo_published: { staff: w('照片设为公开', 'Photo made public') },
  photo_hidden: { staff: w('照片设为不公开', 'Photo hidden from the public') },
  contact_revealed: { staff: w('查看联系方式', 'Contact details viewed') },
  evaluated: { staff: w('市民评价', 'Rated by the reporter'), public: w('您已评价', 'You rated the reply'), open311: w('已评价', 'Rated') },
  dissatisfied: {
    staff: w('评价不满意，待复核', 'Rated dissatisfied: flagged for review'),
    // Public since #18: the status page says what a dissatisfied rating led to (with its review date), never who rated.
    public: w('评价不满意，办公室复核办理情况', 'Rated dissatisfied: the office reviews how the case was handled'),
    open311: w('办公室复核中', 'Under review by the office'),
  },
  deadline_warning: { staff: w('临期提醒', 'Deadline warning') },
  escalated: { staff: w('超期督办', 'Escalated: overdue') },
  red_escalated: { staff: w('红色等级案件报督办', 'Red case escalated to supervisors') },
  redispatched: {
    staff: w('12345 重新派单（退单被驳回）', '12345 dispatched again (return refused)'),
    public: w('12345 平台重新派单，重新办理', 'Dispatched again by the 12345 platform'),
    open311: w('12345 平台重新派单', 'Dispatched again by the 12345 platform'),
  },
  order_updated: { staff: w('12345 工单更新', '12345 order updated') },
  urged: { staff: w('12345 催办', 'Urged by 12345'), public: w('12345 平台催办', 'Urged by the 12345 platform') },
  appeal_filed: { staff: w('申请核减（申诉）', 'Rating appeal filed'), public: w('申请核减评价', 'Rating appeal filed') },
  appeal_sent: { staff: w('核减申诉已报送 12345', 'Rating appeal sent to 12345'), public: w('核减申诉已报送 12345', 'Rating appeal sent to 12345') },
  appeal_accepted: { staff: w('12345 核减申诉获准', 'Rating appeal accepted by 12345'), public: w('12345 同意核减评价', 'Rating appeal accepted by 12345') },
  appeal_refused: { staff: w('12345 核减申诉被驳回', 'Rating appeal refused by 12345'), public: w('12345 未同意核减评价', 'Rating appeal refused by 12345') },
};

export const isEventType = (type: string): type is EventType => Object.hasOwn(EVENT_WORDS, type);

/**
 * An event's words for an audience, or undefined where that audience is not
 * told of it (the public side) or the type is unknown to this table (a row
 * older than it): callers decide what to show then, never the raw code.
 */
export function eventWords(type: string, audience: EventAudience, lang: Lang): string | undefined {
  if (!isEventType(type)) return undefined;
  const words = EVENT_WORDS[type];
  const chosen = audience === 'staff' ? words.staff : audience === 'open311' ? (words.open311 ?? words.public) : words.public;
  return chosen?.[lang];
}
