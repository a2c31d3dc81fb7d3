import { FIGURE_KEYS, type FigureKey } from '../../contract/enums.ts';
import { label } from '../../contract/labels.ts';
import type { Lang } from '../../i18n.ts';

/**
 * The definitions that travel with the published figures (DESIGN.md,
 * "Satisfaction and the published rates"), in zh-CN and en. The statistics
 * page shows them beside the numbers; the CSV export repeats them.
 */
type Words = { 'zh-CN': string; en: string };

/** Groups with fewer evaluations than this are flagged and not ranked. */
export const MIN_EVALUATIONS_TO_RANK = 20;

const DEFINITIONS: Record<FigureKey, { name: Words; text: Words }> = {
  received: {
    name: { 'zh-CN': '受理量', en: 'Received' },
    text: {
      'zh-CN': '期间内受理的案件数，不含被合并的重复件。',
      en: 'Cases received in the period, excluding duplicates merged into another case.',
    },
  },
  closureRate: {
    name: { 'zh-CN': '办结率', en: 'Closure rate' },
    text: {
      'zh-CN': '已办结 ÷ 受理量；退回的不属于本单位职责的工单不计入分母。',
      en: 'Closed ÷ received; orders returned as outside the office’s remit leave the denominator.',
    },
  },
  onTimeClosureRate: {
    name: { 'zh-CN': '按时办结率', en: 'On-time closure rate' },
    text: {
      'zh-CN': '在办理时限（含经批准延期后的时限）内办结的 ÷ 已办结。',
      en: 'Closed by the deadline (as extended by approved extensions) ÷ closed.',
    },
  },
  responseRate: {
    name: { 'zh-CN': '响应率', en: 'Response rate' },
    text: {
      'zh-CN': '在签收时限内签收的 ÷ 已分派承办部门的。',
      en: 'Acknowledged within the acknowledge deadline ÷ assigned to a lead department.',
    },
  },
  resolutionRate: {
    name: { 'zh-CN': '解决率', en: 'Resolution rate' },
    text: {
      'zh-CN': '评价为已解决的 ÷ 参与评价的；每件以最近一次评价（市民或 12345 回访）为准。',
      en: 'Evaluated as resolved ÷ evaluated; each case counts its latest evaluation (the citizen’s or 12345’s follow-up).',
    },
  },
  satisfactionRate: {
    name: { 'zh-CN': '满意率', en: 'Satisfaction rate' },
    text: {
      'zh-CN': '（满意 + 基本满意）÷ 参与评价的；“非常满意”计为满意。',
      en: '(Satisfied + basically satisfied) ÷ evaluated; “very satisfied” counts as satisfied.',
    },
  },
  times: {
    name: { 'zh-CN': '办理用时', en: 'Times' },
    text: {
      'zh-CN': '从受理到签收、首次联系、答复、办结的用时（秒）的中位数和第 90 百分位数；重办的案件以最近一次答复、办结为准。',
      en: 'Median and 90th percentile of the time (seconds) from receipt to acknowledgement, first contact, reply and closure; a reopened case counts its latest reply and closure.',
    },
  },
  cohort: {
    name: { 'zh-CN': '统计口径', en: 'Counting' },
    text: {
      'zh-CN': '每件案件按受理日（北京时间）计入，按其当前状态统计：期间内受理的案件此后办结，也计入该期间。部门指主办部门。',
      en: 'Each case counts on the day it was received (Beijing time), in its current state: a case received in the period and closed later counts for the period. Department means the lead department.',
    },
  },
  groups: {
    name: { 'zh-CN': '分组排名', en: 'Group ranking' },
    text: {
      'zh-CN': `评价少于 ${MIN_EVALUATIONS_TO_RANK} 件的分组样本过少，予以标注且不参与排名；排名按满意率，其次解决率。`,
      en: `Groups with fewer than ${MIN_EVALUATIONS_TO_RANK} evaluations are flagged as too small and not ranked; ranking is by satisfaction rate, then resolution rate.`,
    },
  },
  topProblems: {
    name: { 'zh-CN': '每月一题', en: 'Top problems of the month' },
    text: {
      'zh-CN': '本月受理最多的“问题类别 × 地点”组合，与上月同期（相同天数）相比的变化。',
      en: 'The most frequent category × location pairs received this month, with the change from the same days of the previous month.',
    },
  },
  resolution: {
    name: { 'zh-CN': '用时精度', en: 'Time resolution' },
    text: {
      'zh-CN':
        '用时按分档统计：6 分钟内每分钟一档，其后依次为 8、10、12、15、20、25、30、40、50 分钟，1、1¼、1½、2、2½、3、4、5、6、8、10、12、15、18、24 小时，1¼、1½、2、2½、3、4、5、6、7、8、10、12、14、17、21、25、30、36、45、60、75、90 天。百分位数按最近秩取所在分档，并在档内按均匀分布插值，误差不超过该档宽度；超过 90 天的按 90 天计。',
      en: 'Times are counted in buckets: every minute up to 6 minutes, then 8, 10, 12, 15, 20, 25, 30, 40 and 50 minutes, 1, 1¼, 1½, 2, 2½, 3, 4, 5, 6, 8, 10, 12, 15, 18 and 24 hours, 1¼, 1½, 2, 2½, 3, 4, 5, 6, 7, 8, 10, 12, 14, 17, 21, 25, 30, 36, 45, 60, 75 and 90 days. A percentile is taken by nearest rank and placed within its bucket as if the bucket’s values were evenly spread: never off by more than the bucket’s width. Beyond 90 days it reads as 90 days.',
    },
  },
};

export function definitions(lang: Lang) {
  return FIGURE_KEYS.map((key) => ({ key, name: DEFINITIONS[key].name[lang], text: DEFINITIONS[key].text[lang] }));
}

export function figureName(key: FigureKey, lang: Lang): string {
  return DEFINITIONS[key].name[lang];
}

export function channelName(channel: string, lang: Lang): string {
  return label('channel', channel, lang);
}

const NONE: Record<'department' | 'location', Words> = {
  department: { 'zh-CN': '未分派', en: 'Not assigned' },
  location: { 'zh-CN': '未填写地点', en: 'No location given' },
};

export function noneName(dim: 'department' | 'location', lang: Lang): string {
  return NONE[dim][lang];
}
