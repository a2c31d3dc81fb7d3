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
  onTimeRate: {
    name: { 'zh-CN': '按期办结率', en: 'On-time rate' },
    text: {
      'zh-CN':
        '答复期限（北京时间）落在期间内的案件中，在期限内答复的所占比例：应办结件数为期限已到或已按期答复的件数，其中期限已过仍未答复或超过期限才答复的为超时办结。期限以经批准延期后的为准。期限未到且尚未答复的，计时尚在进行，既不算按期也不算超时，暂不计入。重办的案件以第一次答复的期限和结果计入本项，不因重办而改变；重办另计重办按期率。被合并的重复件和退回的不属于本单位职责的工单不计入。',
      en: 'Of the cases whose reply deadline (Beijing time) falls in the period, the share answered (replied) by it. Due: the deadlines that have passed or were met; late: answered after the deadline, or still unanswered past it. The deadline is as extended by approved extensions. A deadline not yet reached on a case not yet answered is a running clock: neither on time nor late, left out for now. A reopened case (redo, 重办) counts here with its first deadline and first answer, whatever the redo does; the redo has a rate of its own. Merged duplicates and orders returned as outside the remit are not counted.',
    },
  },
  redoOnTimeRate: {
    name: { 'zh-CN': '重办按期率', en: 'Redo on-time rate' },
    text: {
      'zh-CN': '重办案件按其最近一次重办的答复期限所在日计入：期限已到或已按期答复的重办中，在期限内答复的所占比例；计时尚在进行的不计入。',
      en: 'Reopened cases (redo, 重办), counted on the day of their latest redo’s reply deadline: of the redo deadlines that have passed or were met, the share answered by them; running clocks are left out.',
    },
  },
  responseRate: {
    name: { 'zh-CN': '响应率', en: 'Response rate' },
    text: {
      'zh-CN': '期间内受理、有签收时限的案件（无论是否已派单）中，在签收时限内签收的所占比例。尚未签收且时限未到的计时尚在进行，暂不计入；被合并的和退回的工单不计入。',
      en: 'Of the cases received in the period with an acknowledge deadline (assigned or not), the share acknowledged by it. Not yet acknowledged with the deadline still ahead is a running clock, left out for now; merged and returned orders are not counted.',
    },
  },
  firstContactRate: {
    name: { 'zh-CN': '24小时内首次联系率', en: 'First contact within 24 h' },
    text: {
      'zh-CN': '期间内受理的案件中，在受理后 24 小时内首次联系投诉人的所占比例。尚未联系且受理未满 24 小时的暂不计入；被合并的和退回的工单不计入。',
      en: 'Of the cases received in the period, the share whose caller was first contacted within 24 hours of receipt. Not yet contacted and received less than 24 hours ago: left out for now; merged and returned orders are not counted.',
    },
  },
  resolutionRate: {
    name: { 'zh-CN': '解决率', en: 'Resolution rate' },
    text: {
      'zh-CN':
        '评价为已解决的 ÷ 评价中对是否解决有明确答复的；每件以最近一次有效评价（市民或 12345 回访）为准。短信评价只回答满意程度，是否解决未知，不计入解决率（仍计入满意率）。经 12345 平台申诉核减的评价不计入。',
      en: 'Evaluated as resolved ÷ evaluated with a known answer on resolution; each case counts its latest valid evaluation (the citizen’s or 12345’s follow-up). An SMS rating says only how satisfied: its resolution is unknown, so it stays out of this rate (it still counts in satisfaction). A rating the 12345 platform excluded on appeal (核减) does not count.',
    },
  },
  satisfactionRate: {
    name: { 'zh-CN': '满意率', en: 'Satisfaction rate' },
    text: {
      'zh-CN': '（满意 + 基本满意）÷ 参与评价的；“非常满意”计为满意。经 12345 平台申诉核减的评价不计入分子和分母，该案件以其此前最近一次未被核减的评价为准（没有则视为未评价）。',
      en: '(Satisfied + basically satisfied) ÷ evaluated; “very satisfied” counts as satisfied. A rating the 12345 platform excluded on appeal (核减) leaves both: the case counts its latest rating not excluded, or none.',
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
      'zh-CN':
        '受理量、办结率、响应率、24小时内首次联系率、解决率和满意率按受理日（北京时间）计入，按案件当前状态统计：期间内受理的案件此后办结，也计入该期间。按期办结率按答复期限所在日计入，重办按期率按重办期限所在日计入（期限为某日 24 时的，计入该日）。计时尚在进行的（时限未到、尚未完成）不算失误，也不算完成，到期后按结果计入。部门指主办部门。',
      en: 'Received, closure, response, first contact, resolution and satisfaction count each case on the day it was received (Beijing time), in its current state: a case received in the period and closed later counts for the period. The on-time rate counts on the day of the reply deadline, the redo on-time rate on the day of the redo deadline (a deadline at 24:00 counts on the day it ends). A running clock (deadline ahead, not yet done) is neither a failure nor a success until its deadline passes or it is done. Department means the lead department.',
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
