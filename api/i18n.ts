/**
 * Messages a caller reads, in zh-CN (first) and en. The language comes from
 * `lang` (query or body), then Accept-Language, then zh-CN.
 */
import type { Lang } from './contract/lang.ts';

export { LANGS, type Lang } from './contract/lang.ts';

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
  form_foreign_origin: {
    'zh-CN': '只接受本站页面提交的表单，请在本站“在线投诉”页面填写',
    en: 'Forms are accepted from this site’s own pages only: please use the report page',
  },
  unauthorized: { 'zh-CN': '请先登录', en: 'Sign in first' },
  rate_limited: {
    'zh-CN': '操作过于频繁，请 {seconds} 秒后再试',
    en: 'Too many requests; try again in {seconds} seconds',
  },
  unavailable: { 'zh-CN': '服务暂时不可用，请稍后再试', en: 'The service is unavailable; try again shortly' },
  internal: { 'zh-CN': '服务器内部错误，请稍后再试', en: 'Internal error; try again shortly' },
  // One answer for an unknown email, a wrong password, an inactive account and a locked-out client.
  sign_in_failed: {
    'zh-CN': '邮箱或密码不正确，或失败次数过多，请稍后再试',
    en: 'Wrong email or password, or too many failed attempts; try again later',
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
  'extension.platform_decides': {
    'zh-CN': '12345 转办件的延期由 12345 平台审批，平台的决定将自动同步',
    en: 'Extensions of 12345 orders are decided by the 12345 platform; its decision arrives through the feed',
  },
  'extension.deadline_passed': {
    'zh-CN': '答复期限（{due}）已过：延期须在期限届满前申请',
    en: 'The reply deadline ({due}) has passed: an extension must be asked before it',
  },
  'extension.limit': { 'zh-CN': '每件最多延期 {max} 次，本件已延期 {count} 次', en: 'A case may be extended at most {max} time(s); this one has been extended {count}' },
  'extension.too_long': {
    'zh-CN': '延期最长 {days} 个工作日，最晚可延至 {latest}（北京时间）',
    en: 'An extension adds at most {days} working days: the latest allowed is {latest} (Beijing time)',
  },
  'relocate.unchanged': { 'zh-CN': '车站和地点与现在相同', en: 'The station and place are already these' },
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
  'policy.tie': {
    'zh-CN': '与启用中的规则“{name}”（#{id}）适用范围相同，且都设定了{clocks}时限：两条规则只会有一条生效。请编辑“{name}”，或先将其停用。',
    en: 'The active policy “{name}” (#{id}) covers the same cases and sets the same {clocks} clock: only one of them could apply. Edit “{name}”, or switch it off first.',
  },
  'signature.invalid': { 'zh-CN': '签名无效', en: 'Invalid signature' },
  'outbox.not_found': { 'zh-CN': '没有这条消息', en: 'No such message' },
  'outbox.not_retryable': { 'zh-CN': '该消息状态为 {status}，无需重发', en: 'The message is {status}; only dead or failed ones are retried' },
  // The 12345 feed.
  'feed.not_configured': {
    'zh-CN': '12345 接口尚未配置（缺少 FEED_12345_SECRET），暂不接收推送',
    en: 'The 12345 feed is not configured (FEED_12345_SECRET is not set); pushes are refused',
  },
  'feed.signature_invalid': { 'zh-CN': '签名缺失、无效或已过期（X-Signature）', en: 'Missing, invalid or expired signature (X-Signature)' },
  'feed.signature_replayed': { 'zh-CN': '该签名已使用过，请对每次推送重新签名', en: 'This signature was already used; sign every request afresh' },
  'feed.too_many_orders': { 'zh-CN': '一次最多推送 {max} 个工单（本次 {count} 个）', en: 'At most {max} orders per push (this one has {count})' },
  'feed.no_orders': { 'zh-CN': '推送中没有工单', en: 'The push holds no orders' },
  'feed.orders_not_list': { 'zh-CN': 'orders 必须是工单数组', en: '`orders` must be a list of orders' },
  'feed.order_invalid': { 'zh-CN': '工单内容有误：{fields}', en: 'The order has invalid fields: {fields}' },
  'feed.order_failed': { 'zh-CN': '该工单处理失败，请稍后重新推送', en: 'This order could not be processed; push it again later' },
  'feed.case_closed': { 'zh-CN': '该工单对应的案件已办结，不再接受修改', en: 'The case for this order is closed; changes are no longer accepted' },
  'feed.case_returned': { 'zh-CN': '该工单已退单，不再接受修改', en: 'This order was returned; changes are no longer accepted' },
  'feed.case_merged': { 'zh-CN': '该工单对应的案件已并入其他案件，不再接受修改', en: 'The case for this order was merged into another; changes are no longer accepted' },
  'feed.time_invalid': { 'zh-CN': '时间格式应为 ISO 8601，如 2026-03-05T14:30:00+08:00', en: 'Use an ISO 8601 time, e.g. 2026-03-05T14:30:00+08:00' },
  'feed.time_future': { 'zh-CN': '时间不能晚于现在', en: 'The time cannot be in the future' },
  'feed.received_after_dispatch': { 'zh-CN': '受理时间不能晚于派单时间', en: 'receivedAt cannot be later than dispatchedAt' },
  'feed.due_before_dispatch': { 'zh-CN': '办结时限必须晚于派单时间', en: 'dueAt must be later than dispatchedAt' },
  'feed.ack_outside': { 'zh-CN': '签收时限须在派单时间与办结时限之间', en: 'ackDueAt must lie between dispatchedAt and dueAt' },
  'feed.order_not_found': { 'zh-CN': '没有工单 {orderNo}', en: 'No order {orderNo}' },
  'feed.evaluation_not_replied': {
    'zh-CN': '该工单尚未答复（当前状态：{status}），暂不能记录回访结果',
    en: 'The order has not been replied to yet (it is {status}); the follow-up cannot be recorded',
  },
  'feed.evaluation_differs': { 'zh-CN': '本轮答复已记录了不同的回访结果', en: 'A different follow-up result is already recorded for this reply' },
  'feed.too_many_events': { 'zh-CN': '一次最多推送 {max} 个事件（本次 {count} 个）', en: 'At most {max} events per push (this one has {count})' },
  'feed.no_events': { 'zh-CN': '推送中没有事件', en: 'The push holds no events' },
  'feed.events_not_list': { 'zh-CN': 'events 必须是事件数组', en: '`events` must be a list of events' },
  'feed.event_invalid': { 'zh-CN': '事件内容有误：{fields}', en: 'The event has invalid fields: {fields}' },
  'feed.event_failed': { 'zh-CN': '该事件处理失败，请稍后重新推送', en: 'This event could not be processed; push it again later' },
  'feed.event_differs': {
    'zh-CN': '该工单同一时间的同类事件已按不同内容处理过',
    en: 'An event of this type and time was already applied to this order with different content',
  },
  'feed.event_due_before': { 'zh-CN': '新的办结时限必须晚于事件时间', en: 'newDueAt must be later than the event time' },
  'feed.event_not_returned': { 'zh-CN': '该工单未退单（当前状态：{status}），不能重新派单', en: 'The order is not returned (it is {status}); it cannot be re-dispatched' },
  'feed.event_not_replied': {
    'zh-CN': '该工单尚未答复或已重办（当前状态：{status}），不能重办',
    en: 'The order is not replied or closed (it is {status}); it cannot be redone',
  },
  'appeal.not_found': { 'zh-CN': '该工单没有编号为 {id} 的核减申诉', en: 'The order has no appeal {id}' },
  'appeal.none_sent': { 'zh-CN': '该工单没有待平台审核的核减申诉', en: 'The order has no appeal awaiting the platform’s decision' },
  'appeal.ambiguous': { 'zh-CN': '该工单有多个待审核的核减申诉，请注明 appealId', en: 'The order has several appeals awaiting a decision: name the appealId' },
  'appeal.not_sent': { 'zh-CN': '该核减申诉不在待审核状态（当前：{status}）', en: 'The appeal is not awaiting a decision (it is {status})' },
  'appeal.no_rating': { 'zh-CN': '本案没有可申诉的 12345 回访评价', en: 'The case has no 12345 rating to appeal' },
  'appeal.rating_not_found': { 'zh-CN': '本案没有该 12345 回访评价', en: 'The case has no such 12345 rating' },
  'appeal.exists': { 'zh-CN': '该评价已有核减申诉（{status}）', en: 'The rating already has an appeal ({status})' },
  'appeal.refused_before': { 'zh-CN': '该评价的核减申诉已被平台驳回，不能再次申诉', en: 'The platform refused an appeal of this rating; it cannot be appealed again' },
  'appeal.none_filed': { 'zh-CN': '没有待报送的核减申诉', en: 'No appeal is waiting to be sent' },
  // Field messages.
  'field.required': { 'zh-CN': '必填', en: 'Required' },
  'field.invalid_type': { 'zh-CN': '格式不正确', en: 'Wrong type' },
  'field.too_long': { 'zh-CN': '不能超过 {max} 个字', en: 'At most {max} characters' },
  'field.too_short': { 'zh-CN': '至少 {min} 个字', en: 'At least {min} characters' },
  'field.invalid_value': { 'zh-CN': '取值无效', en: 'Not an allowed value' },
  'field.unknown_key': { 'zh-CN': '不认识的字段', en: 'Unknown field' },
  'field.invalid': { 'zh-CN': '格式不正确', en: 'Not valid' },
  'field.unstorable': {
    'zh-CN': '含有无法保存的字符（空字符或残缺的 Unicode 字符）',
    en: 'Holds characters that cannot be stored (NUL or broken Unicode)',
  },
  unstorable_text: {
    'zh-CN': '提交的内容含有无法保存的字符（空字符或残缺的 Unicode 字符）',
    en: 'The request holds characters that cannot be stored (NUL or broken Unicode)',
  },
  'phone.invalid': { 'zh-CN': '请输入有效的手机号码', en: 'Enter a valid phone number' },
  'email.invalid': { 'zh-CN': '请输入有效的电子邮箱', en: 'Enter a valid email address' },
  'station.unknown': { 'zh-CN': '没有这个车站', en: 'Unknown station' },
  'category.unknown': { 'zh-CN': '没有这个问题类别', en: 'Unknown category' },
  'location.unknown': { 'zh-CN': '该车站没有这个地点', en: 'Unknown location for this station' },
  'location.required': { 'zh-CN': '请选择地点：同一问题按车站、地点和类别查找', en: 'Choose a location: the same problem is found by station, location and category' },
  'phone4.invalid': { 'zh-CN': '请输入手机号后四位数字', en: 'Enter the last four digits of the phone' },
  'tracking_code.invalid': { 'zh-CN': '查询码格式不正确', en: 'Not a valid tracking code' },
  'description.blank': { 'zh-CN': '请描述您遇到的问题', en: 'Describe the problem' },
  // Photos (api/domain/photos).
  'photo.too_many': { 'zh-CN': '最多上传 {max} 张照片（您选择了 {n} 张）', en: 'At most {max} photos (you chose {n})' },
  'photo.too_big': { 'zh-CN': '照片“{name}”超过 {max} MB', en: 'The photo “{name}” is larger than {max} MB' },
  'photo.empty': { 'zh-CN': '照片“{name}”是空文件', en: 'The photo “{name}” is an empty file' },
  'photo.type': { 'zh-CN': '“{name}”不是 JPEG、PNG、WebP 或 HEIC 格式的照片', en: '“{name}” is not a JPEG, PNG, WebP or HEIC photo' },
  'photo.unreadable': { 'zh-CN': '照片“{name}”已损坏，无法读取', en: 'The photo “{name}” is damaged and cannot be read' },
  'photo.unavailable': { 'zh-CN': '本服务暂不接收照片，请不附照片提交', en: 'This service does not take photos at the moment; send the form without them' },
  'photo.not_found': { 'zh-CN': '没有这张照片，或链接已过期', en: 'No such photo, or the link has expired' },
  'photo.missing': { 'zh-CN': '照片暂时无法读取', en: 'The photo cannot be read at the moment' },
  'photo.retention_range': { 'zh-CN': '保留天数应为 1 至 {max} 之间的整数，或留空表示一直保留', en: 'Days must be a whole number from 1 to {max}, or empty to keep photos' },
  // The published figures (api/domain/stats).
  'stats.date_invalid': { 'zh-CN': '日期格式应为 YYYY-MM-DD（北京时间），如 2026-03-01', en: 'Use a date as YYYY-MM-DD (Beijing time), e.g. 2026-03-01' },
  'stats.range_order': { 'zh-CN': '开始日期不能晚于结束日期', en: '`from` cannot be later than `to`' },
  'stats.range_too_long': { 'zh-CN': '统计区间最长 3 年', en: 'The period can be at most 3 years' },
  'stats.period_invalid': { 'zh-CN': 'period 应为 YYYY、YYYY-Qn 或 YYYY-MM', en: '`period` must be YYYY, YYYY-Qn or YYYY-MM' },
  'stats.period_with_dates': { 'zh-CN': 'period 不能与 from/to 同时使用', en: 'Give either `period` or `from`/`to`, not both' },
  'stats.reveal_forbidden': { 'zh-CN': '仅督办人员可以导出联系方式', en: 'Only supervisors may export contact details' },
  // Open311 GeoReport v2 (/open311/v2): errors, texts of discovery and services, status notes, note labels.
  'open311.api_key_missing': { 'zh-CN': '缺少 api_key：提交诉求需要办公室签发的 API 密钥', en: 'api_key is missing: filing a request needs an API key issued by the office' },
  'open311.api_key_invalid': { 'zh-CN': 'api_key 无效或已被停用', en: 'The api_key is not valid or has been revoked' },
  'open311.content_type': { 'zh-CN': '请以 application/x-www-form-urlencoded 表单提交', en: 'Send the request as application/x-www-form-urlencoded' },
  'open311.service_code_missing': { 'zh-CN': '缺少 service_code', en: 'service_code is missing' },
  'open311.service_not_found': { 'zh-CN': '没有服务代码为 {code} 的服务', en: 'No service with service_code {code}' },
  'open311.request_not_found': { 'zh-CN': '没有编号为 {id} 的诉求', en: 'No service request {id}' },
  'open311.attribute_required': { 'zh-CN': '缺少必填属性 attribute[{code}]', en: 'The required attribute attribute[{code}] is missing' },
  'open311.attribute_invalid': { 'zh-CN': '属性 attribute[{code}] 的取值无效', en: 'attribute[{code}] is not one of the allowed values' },
  'open311.attribute_unknown': { 'zh-CN': '该服务没有属性 attribute[{code}]', en: 'This service has no attribute attribute[{code}]' },
  'open311.attribute_single': { 'zh-CN': '属性 attribute[{code}] 只能有一个取值', en: 'attribute[{code}] takes a single value' },
  'open311.location_station': { 'zh-CN': '地点不在所选车站', en: 'The location is not at the chosen station' },
  'open311.phone_required': {
    'zh-CN': '请提供手机号码（phone）：本办公室用短信发送查询码并与您联系',
    en: 'phone is required: this office texts the tracking code and contacts the reporter by phone',
  },
  'open311.field_too_long': { 'zh-CN': '{field} 不能超过 {max} 个字', en: '{field} is longer than {max} characters' },
  'open311.quota_spent': {
    'zh-CN': '该 API 密钥本小时的提交额度（{quota} 件）已用完，请 {seconds} 秒后再试',
    en: 'This API key has used its hourly quota ({quota} filings); try again in {seconds} seconds',
  },
  'open311.attributes_too_many': { 'zh-CN': '附加属性 attribute[…] 不能超过 {max} 个', en: 'At most {max} extra attribute[…] values' },
  'open311.attribute_name_invalid': { 'zh-CN': '属性名不能超过 {max} 个字符', en: 'An attribute name is at most {max} characters' },
  'open311.media_upload_unsupported': {
    'zh-CN': '暂不接收上传的文件：请改用 media_url 提供图片网址，本次诉求未提交',
    en: 'Uploaded files are not accepted yet: send the picture as a media_url instead. Nothing was filed',
  },
  'open311.field_required': { 'zh-CN': '缺少 {field}', en: '{field} is missing' },
  'open311.update_status_invalid': { 'zh-CN': 'status 取值无效', en: 'status is not a recognised status' },
  'open311.update_not_filer': {
    'zh-CN': '只有提交该诉求的 API 密钥可以为其补充信息',
    en: 'Only the api_key that filed the request may post updates to it',
  },
  'open311.update_id_taken': {
    'zh-CN': '该 update_id 已用于另一诉求',
    en: 'This update_id was already used for another request',
  },
  'open311.lat_long_pair': { 'zh-CN': 'lat 与 long 须同时提供', en: 'Send lat and long together' },
  'open311.lat_long_invalid': { 'zh-CN': 'lat/long 须为 WGS84 经纬度', en: 'lat/long must be WGS84 degrees' },
  'open311.media_url_invalid': { 'zh-CN': 'media_url 须为 http(s) 网址', en: 'media_url must be an http(s) URL' },
  'open311.address_id_invalid': { 'zh-CN': 'address_id 与 attribute[location] 不一致', en: 'address_id and attribute[location] disagree' },
  'open311.date_invalid': {
    'zh-CN': '{field} 须为带时区的 W3C 日期时间，如 2026-03-05T14:30:00+08:00（或日期 2026-03-05）',
    en: '{field} must be a W3C datetime with a time zone, e.g. 2026-03-05T14:30:00+08:00 (or a date, 2026-03-05)',
  },
  'open311.date_order': { 'zh-CN': '{from} 不能晚于 {to}', en: '{from} cannot be later than {to}' },
  'open311.range_too_long': { 'zh-CN': '{from} 与 {to} 之间不能超过 {days} 天', en: '{from} and {to} may not span more than {days} days' },
  'open311.status_invalid': { 'zh-CN': 'status 只能是 open 或 closed', en: 'status must be open or closed (comma-separated)' },
  'open311.too_many_ids': { 'zh-CN': '一次最多查询 {max} 个 service_request_id', en: 'At most {max} service_request_id values at once' },
  'open311.page_invalid': { 'zh-CN': 'page 须为正整数', en: 'page must be a positive integer' },
  'open311.page_size_invalid': { 'zh-CN': 'page_size 须为 1 至 {max} 的整数', en: 'page_size must be an integer from 1 to {max}' },
  'open311.extensions_invalid': { 'zh-CN': 'extensions 只能是 true 或 false', en: 'extensions must be true or false' },
  'open311.contact': {
    'zh-CN': '车站地区综合管理办公室投诉热线：{url}',
    en: 'Railway-station district management office, complaint hotline: {url}',
  },
  'open311.key_service': {
    'zh-CN': 'API 密钥由办公室管理员签发（工作台 → 管理 → API 密钥），请与办公室联系申请：{url}',
    en: 'API keys are issued by the office’s administrators (staff console → Admin → API keys); ask the office for one: {url}',
  },
  'open311.service_description': { 'zh-CN': '{name}（承办：{department}）', en: '{name} (handled by {department})' },
  'open311.group_other': { 'zh-CN': '其他', en: 'Other' },
  'open311.attr.contact_notice': {
    'zh-CN': '手机号码（phone）可选：留下后办公室用短信发送查询码并与您联系；不留则只能通过本应用查看进展与答复。姓名、电话、邮箱不会公开。',
    en: 'A mobile phone number (phone) is optional: with one, the office texts you the tracking code and can call you; without one, you follow progress and the reply in this app. Name, phone and email are never published.',
  },
  'open311.attr.station': { 'zh-CN': '事发车站', en: 'Station where it happened' },
  'open311.attr.station_hint': { 'zh-CN': '必选', en: 'Required' },
  'open311.attr.location': { 'zh-CN': '车站地区内的地点', en: 'Place in the station district' },
  'open311.attr.location_hint': { 'zh-CN': '可选；须为所选车站的地点（键为“车站:地点”）', en: 'Optional; a place at the chosen station (key is "station:place")' },
  'open311.attr.kind': { 'zh-CN': '诉求类型', en: 'Kind of request' },
  'open311.attr.kind_hint': { 'zh-CN': '可选，默认：投诉', en: 'Optional; default: complaint' },
  'open311.service_notice': { 'zh-CN': '已受理，查询码 {code}，我们将在 {due} 前答复', en: 'Received; tracking code {code}. We will reply by {due}' },
  'open311.status_note.merged': { 'zh-CN': '与诉求 {code} 合并办理', en: 'Duplicate of request {code}' },
  'open311.note.new_due': { 'zh-CN': '办理期限延至 {due}', en: 'Now due by {due}' },
  'open311.note.reopened_dissatisfied': { 'zh-CN': '反映人不满意，重新办理', en: 'Reopened after the reporter was dissatisfied' },
  // API keys (staff admin).
  'api_key.not_found': { 'zh-CN': '没有这个 API 密钥', en: 'No such API key' },
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
