import type {
  ActorType,
  AppealStatus,
  CaseKind,
  CaseStatus,
  Channel,
  DayKind,
  DurationUnit,
  ExtensionStatus,
  OutboxChannel,
  OutboxStatus,
  Priority,
  Resolution,
  Satisfaction,
  StaffRole,
} from './enums.ts';
import type { Bilingual, Lang } from './lang.ts';

/*
 * One name per code, in both languages, for every screen, message and export.
 * A status is named as citizens read it (the public status page, SMS, Open311);
 * a message that says more (the SMS answer adds what happens next) builds on
 * these names rather than keeping its own. English names are capitalised as a
 * label is; a sentence that puts one mid-line lower-cases it.
 */

export const STATUS_LABELS: Record<CaseStatus, Bilingual> = {
  new: { 'zh-CN': '已受理', en: 'Received' },
  assigned: { 'zh-CN': '已分派', en: 'Assigned' },
  in_progress: { 'zh-CN': '办理中', en: 'In progress' },
  replied: { 'zh-CN': '已答复', en: 'Replied' },
  closed: { 'zh-CN': '已办结', en: 'Closed' },
  merged: { 'zh-CN': '已合并', en: 'Merged' },
  returned: { 'zh-CN': '已退回', en: 'Returned' },
};

export const KIND_LABELS: Record<CaseKind, Bilingual> = {
  consult: { 'zh-CN': '咨询', en: 'Inquiry' },
  help: { 'zh-CN': '求助', en: 'Help request' },
  complaint: { 'zh-CN': '投诉', en: 'Complaint' },
  report: { 'zh-CN': '举报', en: 'Report' },
  suggestion: { 'zh-CN': '建议', en: 'Suggestion' },
};

export const PRIORITY_LABELS: Record<Priority, Bilingual> = {
  normal: { 'zh-CN': '一般', en: 'Normal' },
  blue: { 'zh-CN': '蓝色', en: 'Blue' },
  yellow: { 'zh-CN': '黄色', en: 'Yellow' },
  red: { 'zh-CN': '红色', en: 'Red' },
};

export const CHANNEL_LABELS: Record<Channel, Bilingual> = {
  web: { 'zh-CN': '网站', en: 'Website' },
  sms: { 'zh-CN': '短信', en: 'SMS' },
  '12345': { 'zh-CN': '12345 转办', en: '12345 transfers' },
  phone: { 'zh-CN': '热线电话', en: 'Phone line' },
  walk_in: { 'zh-CN': '来访', en: 'Walk-in' },
  box: { 'zh-CN': '意见箱', en: 'Complaint box' },
  petition: { 'zh-CN': '信访', en: 'Petition' },
  open311: { 'zh-CN': 'Open311', en: 'Open311' },
};

export const ROLE_LABELS: Record<StaffRole, Bilingual> = {
  dispatcher: { 'zh-CN': '派单员', en: 'Dispatcher' },
  handler: { 'zh-CN': '承办人', en: 'Handler' },
  supervisor: { 'zh-CN': '督办', en: 'Supervisor' },
  admin: { 'zh-CN': '系统管理员', en: 'Administrator' },
};

export const OUTBOX_CHANNEL_LABELS: Record<OutboxChannel, Bilingual> = {
  sms: { 'zh-CN': '短信', en: 'SMS' },
  email: { 'zh-CN': '邮件', en: 'Email' },
  callback_12345: { 'zh-CN': '12345 回传', en: '12345 callback' },
};

export const OUTBOX_STATUS_LABELS: Record<OutboxStatus, Bilingual> = {
  pending: { 'zh-CN': '待发送', en: 'Pending' },
  sending: { 'zh-CN': '发送中', en: 'Sending' },
  sent: { 'zh-CN': '已发送', en: 'Sent' },
  failed: { 'zh-CN': '发送失败', en: 'Failed' },
  dead: { 'zh-CN': '放弃重试', en: 'Given up' },
  suppressed: { 'zh-CN': '已退订未发送', en: 'Not sent (opted out)' },
};

export const SATISFACTION_LABELS: Record<Satisfaction, Bilingual> = {
  very_satisfied: { 'zh-CN': '非常满意', en: 'Very satisfied' },
  satisfied: { 'zh-CN': '满意', en: 'Satisfied' },
  basic: { 'zh-CN': '基本满意', en: 'Basically satisfied' },
  dissatisfied: { 'zh-CN': '不满意', en: 'Dissatisfied' },
};

export const RESOLUTION_LABELS: Record<Resolution, Bilingual> = {
  yes: { 'zh-CN': '已解决', en: 'Resolved' },
  partial: { 'zh-CN': '部分解决', en: 'Partly resolved' },
  no: { 'zh-CN': '未解决', en: 'Not resolved' },
};

export const DURATION_UNIT_LABELS: Record<DurationUnit, Bilingual> = {
  hours: { 'zh-CN': '小时', en: 'hours' },
  working_days: { 'zh-CN': '工作日', en: 'working days' },
  calendar_days: { 'zh-CN': '自然日', en: 'calendar days' },
  same_day: { 'zh-CN': '当日', en: 'same day' },
};

export const DAY_KIND_LABELS: Record<DayKind, Bilingual> = {
  workday: { 'zh-CN': '工作日', en: 'Workday' },
  weekend: { 'zh-CN': '休息日', en: 'Weekend' },
  holiday: { 'zh-CN': '法定节假日（放假）', en: 'Public holiday' },
  makeup_workday: { 'zh-CN': '调休上班', en: 'Make-up workday' },
};

export const ACTOR_TYPE_LABELS: Record<ActorType, Bilingual> = {
  citizen: { 'zh-CN': '市民', en: 'Citizen' },
  staff: { 'zh-CN': '工作人员', en: 'Staff' },
  system: { 'zh-CN': '系统', en: 'System' },
  feed: { 'zh-CN': '12345 平台', en: '12345 platform' },
};

export const EXTENSION_STATUS_LABELS: Record<ExtensionStatus, Bilingual> = {
  pending: { 'zh-CN': '待审批', en: 'Pending' },
  approved: { 'zh-CN': '已批准', en: 'Approved' },
  refused: { 'zh-CN': '已驳回', en: 'Refused' },
};

export const APPEAL_STATUS_LABELS: Record<AppealStatus, Bilingual> = {
  filed: { 'zh-CN': '待报送', en: 'Filed' },
  sent: { 'zh-CN': '已报送，待平台审核', en: 'Sent, awaiting the platform' },
  accepted: { 'zh-CN': '已核减', en: 'Accepted (rating excluded)' },
  refused: { 'zh-CN': '平台未同意核减', en: 'Refused' },
};

/** Every label table, by the name of its enum (for tests and the site's generic pickers). */
export const LABELS = {
  status: STATUS_LABELS,
  kind: KIND_LABELS,
  priority: PRIORITY_LABELS,
  channel: CHANNEL_LABELS,
  role: ROLE_LABELS,
  outboxChannel: OUTBOX_CHANNEL_LABELS,
  outboxStatus: OUTBOX_STATUS_LABELS,
  satisfaction: SATISFACTION_LABELS,
  resolution: RESOLUTION_LABELS,
  durationUnit: DURATION_UNIT_LABELS,
  dayKind: DAY_KIND_LABELS,
  actorType: ACTOR_TYPE_LABELS,
  extensionStatus: EXTENSION_STATUS_LABELS,
  appealStatus: APPEAL_STATUS_LABELS,
} as const;
export type LabelledEnum = keyof typeof LABELS;

/**
 * The name of a code in a language. A code the table does not know (a row
 * older than the enum, a stray value) is shown as itself rather than hidden.
 */
export function label<E extends LabelledEnum>(table: E, code: string, lang: Lang): string {
  const entry = (LABELS[table] as Record<string, Bilingual | undefined>)[code];
  return entry ? entry[lang] : code;
}

export const statusLabel = (status: string, lang: Lang) => label('status', status, lang);
