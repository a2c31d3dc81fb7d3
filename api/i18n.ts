/**
 * Messages a caller reads, in zh-CN (first) and en. The language comes from
 * `lang` (query or body), then Accept-Language, then zh-CN.
 */
export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];

type Catalogue = Record<string, { 'zh-CN': string; en: string }>;

const MESSAGES: Catalogue = {
  invalid_input: { 'zh-CN': '提交的内容有误，请检查：{fields}', en: 'Some fields are not valid: {fields}' },
  invalid_body: { 'zh-CN': '请求内容无法解析', en: 'The request body could not be read' },
  invalid_json: { 'zh-CN': '请求内容不是有效的 JSON', en: 'The request body is not valid JSON' },
  empty_body: { 'zh-CN': '请求内容为空', en: 'The request body is empty' },
  unsupported_content_type: {
    'zh-CN': '不支持的内容类型，请使用 application/json 或表单提交',
    en: 'Unsupported content type: send application/json or a form',
  },
  payload_too_large: {
    'zh-CN': '提交的内容过大（上限 {limit} 字节）',
    en: 'The request is too large (limit {limit} bytes)',
  },
  not_found: { 'zh-CN': '未找到', en: 'Not found' },
  route_not_found: { 'zh-CN': '没有这个地址', en: 'No such endpoint' },
  case_not_found: {
    'zh-CN': '未找到该案件，请核对查询码和手机号后四位',
    en: 'No case matches that tracking code and phone digits',
  },
  conflict: { 'zh-CN': '操作冲突，请刷新后重试', en: 'Conflicting change; reload and try again' },
  forbidden: { 'zh-CN': '没有权限', en: 'Not allowed' },
  unauthorized: { 'zh-CN': '请先登录', en: 'Sign in first' },
  rate_limited: {
    'zh-CN': '操作过于频繁，请 {seconds} 秒后再试',
    en: 'Too many requests; try again in {seconds} seconds',
  },
  unavailable: { 'zh-CN': '服务暂时不可用，请稍后再试', en: 'The service is unavailable; try again shortly' },
  internal: { 'zh-CN': '服务器内部错误，请稍后再试', en: 'Internal error; try again shortly' },
  sign_in_failed: { 'zh-CN': '邮箱或密码不正确', en: 'Wrong email or password' },
  sign_in_locked: {
    'zh-CN': '登录失败次数过多，请 {minutes} 分钟后再试',
    en: 'Too many failed sign-ins; try again in {minutes} minutes',
  },
  csrf_failed: { 'zh-CN': '页面已过期，请刷新后重试', en: 'Missing or wrong CSRF token; reload and try again' },
  forbidden_verb: { 'zh-CN': '您没有权限执行此操作（{verb}）', en: 'You may not do this ({verb})' },
  stale_version: {
    'zh-CN': '案件已被他人修改（当前版本 {current}），请刷新后重试',
    en: 'The case changed since you read it (now version {current}); reload and try again',
  },
  invalid_transition: {
    'zh-CN': '案件当前状态（{status}）不能执行此操作（{verb}）',
    en: 'Cannot {verb} a case that is {status}',
  },
  case_not_found_staff: { 'zh-CN': '未找到该案件', en: 'No such case' },
  'department.unknown': { 'zh-CN': '没有这个部门', en: 'Unknown department' },
  'extension.not_later': { 'zh-CN': '新的期限必须晚于当前期限', en: 'The new deadline must be later than the current one' },
  'extension.pending': { 'zh-CN': '已有待审批的延期申请', en: 'An extension request is already pending' },
  'extension.none_pending': { 'zh-CN': '没有待审批的延期申请', en: 'No extension request is pending' },
  'merge.master_not_found': { 'zh-CN': '未找到要并入的主案件', en: 'No master case with that tracking code' },
  'merge.self': { 'zh-CN': '不能并入自身', en: 'A case cannot be merged into itself' },
  'merge.master_not_open': { 'zh-CN': '主案件已被合并或退回', en: 'The master case is merged or returned' },
  'priority.owner_required': { 'zh-CN': '红色等级须指定包案领导', en: 'Red priority needs a named owning leader' },
  'received_at.future': { 'zh-CN': '受理时间不能晚于现在', en: 'The time received cannot be in the future' },
  'cursor.invalid': { 'zh-CN': '分页参数无效', en: 'Invalid page cursor' },
  'evaluation.not_replied': { 'zh-CN': '案件尚未答复，暂不能评价', en: 'The case has not been replied to yet' },
  'evaluation.already': { 'zh-CN': '您已评价过本次答复', en: 'This reply has already been rated' },
  'admin.only': { 'zh-CN': '仅管理员可以执行此操作', en: 'Only an administrator may do this' },
  'admin.nothing_to_change': { 'zh-CN': '没有要修改的内容', en: 'Nothing to change' },
  'staff.not_found': { 'zh-CN': '没有这个工作人员', en: 'No such member of staff' },
  'staff.email_taken': { 'zh-CN': '该邮箱已被其他账号使用', en: 'Another account already uses that email' },
  'staff.self_deactivate': { 'zh-CN': '不能停用自己的账号，请由另一位管理员操作', en: 'You cannot deactivate your own account; ask another administrator' },
  'staff.self_demote': { 'zh-CN': '不能取消自己的管理员角色，请由另一位管理员操作', en: 'You cannot take away your own admin role; ask another administrator' },
  'staff.department_required': { 'zh-CN': '承办人员必须属于一个部门', en: 'A handler must belong to a department' },
  'department.not_found': { 'zh-CN': '没有这个部门', en: 'No such department' },
  'department.code_taken': { 'zh-CN': '部门代码 {code} 已存在', en: 'A department with code {code} already exists' },
  'department.has_open_cases': {
    'zh-CN': '该部门还主办 {count} 件未办结的案件，请先转派后再停用',
    en: 'This department leads {count} open case(s); reassign them before deactivating it',
  },
  'category.not_found': { 'zh-CN': '没有这个问题类别', en: 'No such category' },
  'category.code_taken': { 'zh-CN': '类别代码 {code} 已存在', en: 'A category with code {code} already exists' },
  'location.not_found': { 'zh-CN': '该车站没有这个地点', en: 'No such location at this station' },
  'location.code_taken': { 'zh-CN': '车站 {station} 已有地点代码 {code}', en: 'Station {station} already has a location with code {code}' },
  'code.invalid': {
    'zh-CN': '代码须以小写字母开头，只含小写字母、数字和下划线（2–41 个字符）',
    en: 'A code starts with a lowercase letter and has only lowercase letters, digits and _ (2–41 characters)',
  },
  'calendar.outside_year': { 'zh-CN': '日期不在 {year} 年内', en: 'A date is outside {year}' },
  'calendar.both': { 'zh-CN': '同一天不能既放假又调休上班', en: 'A day cannot be both a holiday and a make-up workday' },
  'policy.no_clock': { 'zh-CN': '至少设置一个时限', en: 'Set at least one clock' },
  'policy.not_found': { 'zh-CN': '没有这条时限规则', en: 'No such policy' },
  // Field messages.
  'field.required': { 'zh-CN': '必填', en: 'Required' },
  'field.invalid_type': { 'zh-CN': '格式不正确', en: 'Wrong type' },
  'field.too_long': { 'zh-CN': '不能超过 {max} 个字', en: 'At most {max} characters' },
  'field.too_short': { 'zh-CN': '至少 {min} 个字', en: 'At least {min} characters' },
  'field.invalid_value': { 'zh-CN': '取值无效', en: 'Not an allowed value' },
  'field.unknown_key': { 'zh-CN': '不认识的字段', en: 'Unknown field' },
  'field.invalid': { 'zh-CN': '格式不正确', en: 'Not valid' },
  'phone.invalid': { 'zh-CN': '请输入有效的手机号码', en: 'Enter a valid phone number' },
  'email.invalid': { 'zh-CN': '请输入有效的电子邮箱', en: 'Enter a valid email address' },
  'station.unknown': { 'zh-CN': '没有这个车站', en: 'Unknown station' },
  'category.unknown': { 'zh-CN': '没有这个问题类别', en: 'Unknown category' },
  'location.unknown': { 'zh-CN': '该车站没有这个地点', en: 'Unknown location for this station' },
  'phone4.invalid': { 'zh-CN': '请输入手机号后四位数字', en: 'Enter the last four digits of the phone' },
  'tracking_code.invalid': { 'zh-CN': '查询码格式不正确', en: 'Not a valid tracking code' },
  'description.blank': { 'zh-CN': '请描述您遇到的问题', en: 'Describe the problem' },
};

export function t(lang: Lang, key: string, params: Record<string, string | number> = {}): string {
  const entry = MESSAGES[key];
  const template = entry ? entry[lang] : key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

export function hasMessage(key: string): boolean {
  return key in MESSAGES;
}

export function parseLang(value: string | undefined | null): Lang | undefined {
  if (!value) return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'en' || v.startsWith('en-') || v.startsWith('en_')) return 'en';
  if (v === 'zh' || v.startsWith('zh')) return 'zh-CN';
  return undefined;
}

/** Picks zh-CN or en from an Accept-Language header, honouring q-values. */
export function langFromAcceptLanguage(header: string | undefined | null): Lang | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...rest] = part.trim().split(';');
      const q = rest.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag ?? '', q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const lang = parseLang(tag);
    if (lang) return lang;
  }
  return undefined;
}
