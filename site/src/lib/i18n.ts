import { type Bilingual, type CitizenSatisfaction, eventWords, type Lang, label, SATISFACTION_LABELS } from './contract.ts';

/**
 * The public site's words, zh-CN first and English second. Pages under / are
 * Chinese, the same pages under /en/ English. Messages that come from the API
 * (field errors, not-found) already arrive in the page's language, because
 * every in-process call sends the page's language. Codes (status, kind, a
 * rating) are named by the contract's labels, as the API's SMS and Open311 do.
 */
export { LANGS, type Lang } from './contract.ts';

/** The language of a page from its `[...lang]` route parameter; undefined means no such page. */
export function langFromParam(param: string | undefined): Lang | undefined {
  if (param === undefined || param === '') return 'zh-CN';
  if (param === 'en') return 'en';
  return undefined;
}

/** The path of a page in a language: `/report` → `/en/report`. */
export function localePath(lang: Lang, path: string): string {
  if (lang === 'zh-CN') return path;
  return path === '/' ? '/en/' : `/en${path}`;
}

const WORDS = {
  'site.name': { 'zh-CN': '站区投诉热线', en: 'Station District Hotline' },
  'site.office': { 'zh-CN': '站区综合管理办公室', en: 'Station District Management Office' },
  'site.skip': { 'zh-CN': '跳到正文', en: 'Skip to content' },
  'site.langSwitch': { 'zh-CN': 'English', en: '中文' },
  'site.langSwitchLabel': { 'zh-CN': 'Read this page in English', en: '切换到中文页面' },
  'nav.label': { 'zh-CN': '主导航', en: 'Main' },
  'nav.home': { 'zh-CN': '首页', en: 'Home' },
  'nav.report': { 'zh-CN': '我要投诉', en: 'File a complaint' },
  'nav.status': { 'zh-CN': '查询进度', en: 'Check status' },
  'nav.stats': { 'zh-CN': '办理统计', en: 'Statistics' },
  'footer.hotline': { 'zh-CN': '24 小时热线', en: '24-hour line' },
  'footer.12345': { 'zh-CN': '也可拨打 12345 政务服务便民热线', en: 'You can also call the 12345 citizen service hotline' },
  'footer.api': { 'zh-CN': '开放接口', en: 'Open API' },
  'footer.staff': { 'zh-CN': '工作人员登录', en: 'Staff sign-in' },
  /** Between a label and its value: full-width in Chinese. */
  colon: { 'zh-CN': '：', en: ': ' },

  // Home
  'home.title': { 'zh-CN': '车站地区投诉与求助', en: 'Complaints and help in the station district' },
  'home.lead': {
    'zh-CN': '在车站广场、出租车调度站、停车场、换乘通道遇到拉客揽客、黑出租、兜售、占道经营、环境卫生或设施问题，都可以告诉我们。每件都有专人办理，并在规定时限内答复您。',
    en: 'Touting, illegal taxis, peddling, stalls on walkways, dirt or broken facilities on the station squares, at the taxi rank, in the car parks or transfer passages: tell us. Every case gets a named handler and a reply within a set time.',
  },
  'home.cta': { 'zh-CN': '在线投诉', en: 'File a complaint online' },
  'home.ctaStatus': { 'zh-CN': '查询办理进度', en: 'Check a case' },
  'home.how': { 'zh-CN': '怎样反映问题', en: 'How to tell us' },
  'home.how.web': { 'zh-CN': '在本网站填写投诉表（约 2 分钟），提交后得到查询码。', en: 'Fill in the form on this site (about 2 minutes); you get a tracking code.' },
  'home.how.phone': { 'zh-CN': '拨打本办公室 24 小时热线：', en: 'Call the office’s 24-hour line:' },
  'home.how.sms': { 'zh-CN': '发送短信描述问题，我们回复查询码。', en: 'Send a text message describing the problem; we reply with a tracking code.' },
  'home.how.inPerson': { 'zh-CN': '到站区服务台当面反映，或投入意见箱。', en: 'Tell the staff at the district service desk, or use the complaint box.' },
  'home.next': { 'zh-CN': '提交之后', en: 'What happens next' },
  'home.next.1': { 'zh-CN': '调度员核对并派给负责科室；', en: 'A dispatcher checks your case and assigns it to the responsible section;' },
  'home.next.2': { 'zh-CN': '承办科室 2 小时内签收，24 小时内与您联系；', en: 'the section acknowledges it within 2 hours and contacts you within 24 hours;' },
  // What a dissatisfied rating does is the office's setting (DISSATISFIED_ACTION, read from /api/meta);
  // the plain line is for when the API cannot say.
  'home.next.3': {
    'zh-CN': '办理完毕后答复您，您可以评价是否满意。',
    en: 'when it is dealt with you get a reply, and you can say whether you are satisfied.',
  },
  'home.next.3.flag': {
    'zh-CN': '办理完毕后答复您，您可以评价是否满意；不满意的，办公室会复核这件投诉的办理情况。',
    en: 'when it is dealt with you get a reply, and you can say whether you are satisfied; if you are not, the office reviews how your case was handled.',
  },
  'home.next.3.reopen': {
    'zh-CN': '办理完毕后答复您，您可以评价是否满意；不满意的，案件重新办理（重办），并重新确定答复期限。',
    en: 'when it is dealt with you get a reply, and you can say whether you are satisfied; if you are not, the case is reopened and handled again, with a new deadline for the reply.',
  },
  'home.limits': { 'zh-CN': '答复时限', en: 'Time limits for the reply' },
  'home.limits.intro': {
    'zh-CN': '从受理起计算；工作日不含法定节假日，含调休上班日：',
    en: 'Counted from receipt; working days exclude public holidays and include make-up working days:',
  },
  'home.limits.kind': { 'zh-CN': '类型', en: 'Kind' },
  'home.limits.days': { 'zh-CN': '答复时限', en: 'Reply within' },
  'home.limits.workdays': { 'zh-CN': '{n} 个工作日', en: '{n} working days' },
  'home.limits.workday': { 'zh-CN': '1 个工作日', en: '1 working day' },
  'home.limits.calendarDays': { 'zh-CN': '{n} 天', en: '{n} days' },
  'home.limits.calendarDay': { 'zh-CN': '1 天', en: '1 day' },
  'home.limits.hours': { 'zh-CN': '{n} 小时', en: '{n} hours' },
  'home.limits.hour': { 'zh-CN': '1 小时', en: '1 hour' },
  'home.limits.sameDay': { 'zh-CN': '当天', en: 'The same day' },
  'home.limits.unknown': { 'zh-CN': '答复时限暂时无法显示，请拨打热线查询。', en: 'The time limits cannot be shown right now; call the line to ask.' },
  'home.limits.urgent': {
    'zh-CN': '危及安全的紧急情况按红色等级办理，由领导包案，24 小时内答复。遇到违法犯罪请直接拨打 110。',
    en: 'Urgent safety hazards are handled as red cases, owned by a named leader, with a reply within 24 hours. For crimes in progress call 110.',
  },
  'home.privacy': { 'zh-CN': '个人信息', en: 'Your personal data' },
  'home.privacy.text': {
    'zh-CN': '您的手机号码只用于联系您和查询进度，不会公开；查询进度需要查询码和手机号后四位。',
    en: 'Your phone number is used only to contact you and to check your case; it is never published. A status check needs the tracking code and the last four digits of your phone.',
  },

  // Report form
  'report.title': { 'zh-CN': '在线投诉', en: 'File a complaint' },
  'report.intro': { 'zh-CN': '带 * 的为必填项。提交后您会得到查询码，并收到确认短信。', en: 'Fields marked * are required. You get a tracking code and a confirmation text message.' },
  'report.where': { 'zh-CN': '在哪里', en: 'Where' },
  'report.what': { 'zh-CN': '什么问题', en: 'What happened' },
  'report.who': { 'zh-CN': '怎样联系您', en: 'How we reach you' },
  'report.station': { 'zh-CN': '车站', en: 'Station' },
  'report.location': { 'zh-CN': '具体地点', en: 'Place' },
  'report.location.hint': { 'zh-CN': '不确定可以不选，在描述里写清楚。', en: 'Leave it if unsure; say where in the description.' },
  'report.location.none': { 'zh-CN': '不确定 / 其他地点', en: 'Not sure / elsewhere' },
  'report.kind': { 'zh-CN': '类型', en: 'Kind' },
  'report.category': { 'zh-CN': '问题类别', en: 'Category' },
  'report.choose': { 'zh-CN': '请选择', en: 'Choose' },
  'report.description': { 'zh-CN': '问题描述', en: 'Description' },
  'report.description.hint': {
    'zh-CN': '时间、地点、经过，以及车牌号等可辨认的信息。最多 {max} 字。',
    en: 'When, where, what happened, and anything identifying such as a number plate. At most {max} characters.',
  },
  'report.counter': { 'zh-CN': '已输入 {n} / {max} 字', en: '{n} of {max} characters' },
  'report.phone': { 'zh-CN': '手机号码', en: 'Mobile phone' },
  'report.phone.hint': { 'zh-CN': '用于联系您、发送查询码；不会公开。', en: 'To contact you and send the tracking code; never published.' },
  'report.email': { 'zh-CN': '电子邮箱（选填）', en: 'Email (optional)' },
  'report.name': { 'zh-CN': '称呼（选填）', en: 'Name (optional)' },
  'report.name.hint': { 'zh-CN': '可以匿名。', en: 'You may stay anonymous.' },
  'report.submit': { 'zh-CN': '提交投诉', en: 'Send' },
  'report.errors.title': { 'zh-CN': '请修改以下内容后再提交', en: 'Please correct the following' },
  'report.errorTitlePrefix': { 'zh-CN': '错误：', en: 'Error: ' },
  'report.failed': { 'zh-CN': '投诉未能提交，请核对后重试。', en: 'The complaint could not be sent; check it and try again.' },

  // A case form's fields as its messages name them (site/src/lib/case-form.ts)
  'field.channel': { 'zh-CN': '来源渠道', en: 'channel' },
  'field.receivedAt': { 'zh-CN': '受理时间', en: 'time received' },
  'field.station': { 'zh-CN': '车站', en: 'station' },
  'field.location': { 'zh-CN': '地点', en: 'place' },
  'field.kind': { 'zh-CN': '类型', en: 'kind' },
  'field.category': { 'zh-CN': '问题类别', en: 'category' },
  'field.priority': { 'zh-CN': '等级', en: 'priority' },
  'field.description': { 'zh-CN': '问题描述', en: 'description' },
  'field.phone': { 'zh-CN': '手机号码', en: 'phone number' },
  'field.email': { 'zh-CN': '电子邮箱', en: 'email address' },
  'field.name': { 'zh-CN': '称呼', en: 'name' },
  'field.photos': { 'zh-CN': '照片', en: 'photos' },
  'report.photos': { 'zh-CN': '照片（可选）', en: 'Photos (optional)' },
  'report.photos.hint': {
    'zh-CN': '最多 {max} 张，每张不超过 {mb} MB，支持 JPEG、PNG、WebP 和 HEIC。照片中的位置、相机和时间信息会被删除；照片仅工作人员可见，除非工作人员确认其中没有人脸和车牌后公开。',
    en: 'Up to {max}, at most {mb} MB each: JPEG, PNG, WebP or HEIC. Location, camera and time details are removed. Only staff see them, unless staff check them for faces and number plates and make them public.',
  },
  'form.photos.tooMany': { 'zh-CN': '最多上传 {max} 张照片（您选择了 {n} 张）', en: 'At most {max} photos (you chose {n})' },
  'form.photos.tooBig': { 'zh-CN': '照片“{name}”超过 {mb} MB', en: 'The photo “{name}” is larger than {mb} MB' },
  'report.photos.again': {
    'zh-CN': '请重新选择照片：出于安全原因，浏览器不会保留已选的文件。',
    en: 'Please choose the photos again: browsers do not keep chosen files when a form comes back.',
  },
  'status.photos': { 'zh-CN': '照片', en: 'Photos' },
  // The same problem already open at the place (issue #17): counts only, never another traveler's words.
  'same.title': { 'zh-CN': '这个地点已有同类问题正在办理', en: 'This problem is already being handled here' },
  'same.count': {
    'zh-CN': '{place}的“{category}”问题，站区目前有 {n} 件正在办理：',
    en: 'The office is handling {n} open report(s) of “{category}” at {place}:',
  },
  'same.status': { 'zh-CN': '{status}：{n} 件', en: '{status}: {n}' },
  'same.explain': {
    'zh-CN':
      '如果您遇到的是同一问题，可以作为支持者加入最早的那一件：您仍会得到自己的查询码，用它和手机号后四位查看该件的进展；该件答复时，您也会收到答复和回访。您的联系方式和描述不会给其他市民看到。',
    en: 'If it is the same problem, you can join the earliest of them as a supporter: you still get your own tracking code, and with it and your phone’s last four digits you follow that report; when it is answered, you get the answer and the survey too. No other traveler sees your contact details or words.',
  },
  'same.join': { 'zh-CN': '我遇到的是同一问题', en: 'I have the same problem' },
  'same.check': { 'zh-CN': '先查看这里是否已有同类问题', en: 'First check for open reports here' },
  'same.none': { 'zh-CN': '这个地点目前没有同类问题正在办理，请提交您的投诉。', en: 'No report of this kind is open at this place: send yours.' },
  'same.needPlace': { 'zh-CN': '请选择地点，才能查看这里是否已有同类问题', en: 'Choose a place to check for open reports there' },
  'same.new': { 'zh-CN': '仍然提交新的投诉', en: 'File a new report anyway' },
  'same.choice': { 'zh-CN': '您的投诉如何提交', en: 'How to file your report' },
  'same.joined': {
    'zh-CN': '您已作为支持者加入站区正在办理的同一问题：用下面的查询码查看该件的进展，答复时您会收到通知。',
    en: 'You joined the report of the same problem the office is handling: follow it with the tracking code below; you will be told when it is answered.',
  },
  'status.photo.alt': { 'zh-CN': '投诉照片 {n}', en: 'Photo {n} of the report' },
  'field.lang': { 'zh-CN': '回复语言', en: 'reply language' },
  // What is wrong with a field, each message naming the field it is about
  'form.choose': { 'zh-CN': '请选择{noun}', en: 'Choose a {noun}' },
  'form.fill': { 'zh-CN': '请填写{noun}', en: 'Enter the {noun}' },
  'form.fill.description': { 'zh-CN': '请填写问题描述', en: 'Describe the problem' },
  'form.fill.phone': { 'zh-CN': '请填写手机号码', en: 'Enter your mobile phone number' },
  'form.fromList': { 'zh-CN': '请从列表中选择{noun}', en: 'Choose a {noun} from the list' },
  'form.location': { 'zh-CN': '所选车站没有这个地点，请重新选择', en: 'That place is not at the chosen station; choose again' },
  'form.tooLong': { 'zh-CN': '{noun}不能超过 {max} 个字（现在 {n} 个字）', en: 'The {noun} can have at most {max} characters (it has {n})' },
  'form.unstorable': { 'zh-CN': '{noun}含有无法保存的字符，请删去后再提交', en: 'The {noun} holds characters that cannot be saved; remove them and send again' },
  'form.invalid': { 'zh-CN': '{noun}格式不正确', en: 'The {noun} is not valid' },
  'form.invalid.phone': { 'zh-CN': '请输入有效的手机号码', en: 'Enter a valid phone number' },
  'form.invalid.email': { 'zh-CN': '请输入有效的电子邮箱', en: 'Enter a valid email address' },
  'form.future': { 'zh-CN': '{noun}不能晚于现在', en: 'The {noun} cannot be in the future' },

  // Receipt
  'done.title': { 'zh-CN': '已收到您的投诉', en: 'We have your complaint' },
  'done.code': { 'zh-CN': '您的查询码', en: 'Your tracking code' },
  'done.codeHint': {
    'zh-CN': '请记下或截图保存。查询进度时需要查询码和手机号后四位。',
    en: 'Write it down or take a screenshot. To check the case you need the code and the last four digits of your phone.',
  },
  'done.readAloud': { 'zh-CN': '逐位读出：', en: 'Read aloud:' },
  'done.due': { 'zh-CN': '答复期限', en: 'Reply due by' },
  'done.sms': { 'zh-CN': '短信查询', en: 'Check by text message' },
  'done.sms.text': { 'zh-CN': '发送短信', en: 'Send the text' },
  'done.sms.to': { 'zh-CN': '到 {number}', en: 'to {number}' },
  'done.sms.reply': { 'zh-CN': '（也可以直接回复我们发给您的确认短信）。', en: '(or reply to the confirmation text we sent you).' },
  'done.next': { 'zh-CN': '接下来：承办科室 2 小时内签收，24 小时内与您联系。', en: 'Next: the responsible section acknowledges within 2 hours and contacts you within 24 hours.' },
  'done.check': { 'zh-CN': '查询办理进度', en: 'Check the case' },
  'done.another': { 'zh-CN': '再提交一件', en: 'File another' },
  'done.none.title': { 'zh-CN': '查询投诉办理进度', en: 'Checking a complaint' },
  'done.none.text': {
    'zh-CN': '投诉回执只在提交投诉的浏览器上显示，提交后 15 分钟内有效。查询码已通过短信发给您；要查询一件投诉，请使用查询页面，输入查询码和手机号后四位。',
    en: 'A receipt is shown only in the browser that filed the complaint, for 15 minutes after filing. The tracking code was sent to you by text message; to check a complaint, use the status page with its tracking code and the last four digits of your phone.',
  },
  'done.none.check': { 'zh-CN': '去查询页面', en: 'Go to the status page' },

  // Status
  'status.title': { 'zh-CN': '查询办理进度', en: 'Check a case' },
  'status.intro': { 'zh-CN': '输入查询码和提交时所留手机号的后四位。', en: 'Enter the tracking code and the last four digits of the phone number you gave.' },
  'status.code': { 'zh-CN': '查询码', en: 'Tracking code' },
  'status.code.hint': { 'zh-CN': '10 位字母和数字，例如 K7M2Q-X9PRT。', en: '10 letters and digits, for example K7M2Q-X9PRT.' },
  'status.phone4': { 'zh-CN': '手机号后四位', en: 'Last four digits of your phone' },
  'status.another': { 'zh-CN': '查询其他投诉', en: 'Check another case' },
  'status.submit': { 'zh-CN': '查询', en: 'Check' },
  'status.notFound': {
    'zh-CN': '没有找到这件投诉。请核对查询码和手机号后四位。',
    en: 'No case matches that tracking code and those phone digits. Please check both.',
  },
  'status.badCode': { 'zh-CN': '查询码应为 10 位字母和数字。', en: 'A tracking code has 10 letters and digits.' },
  'status.badPhone4': { 'zh-CN': '请输入 4 位数字。', en: 'Enter four digits.' },
  'status.result': { 'zh-CN': '办理情况', en: 'Your case' },
  'status.state': { 'zh-CN': '状态', en: 'Status' },
  'status.what': { 'zh-CN': '问题', en: 'About' },
  'status.where': { 'zh-CN': '地点', en: 'Where' },
  'status.filed': { 'zh-CN': '受理时间', en: 'Received' },
  'status.due': { 'zh-CN': '答复期限', en: 'Reply due by' },
  'status.dueProvisional': {
    'zh-CN': '该答复期限为暂定：所在年份的法定节假日安排尚未公布，公布后期限可能调整。',
    en: 'This reply deadline is provisional: that year’s public holidays are not published yet, and it may move when they are.',
  },
  'status.closed': { 'zh-CN': '办结时间', en: 'Closed' },
  'status.reply': { 'zh-CN': '答复内容', en: 'Our reply' },
  'status.replyAt': { 'zh-CN': '答复于 {at}', en: 'Replied {at}' },
  'status.noReply': { 'zh-CN': '尚未答复。', en: 'Not replied yet.' },
  'status.timeline': { 'zh-CN': '办理过程', en: 'Timeline' },
  'status.rate': { 'zh-CN': '评价本次答复', en: 'Rate this reply' },
  'status.rated': { 'zh-CN': '您已评价过本次答复，谢谢。', en: 'You have rated this reply. Thank you.' },
  // A report merged into an earlier one (#18): its own code and digits show the main case.
  'status.merged': {
    'zh-CN': '您反映的问题已于 {at} 与之前受理的同一问题投诉合并办理。下面的状态、答复期限、答复和办理过程都是合并后这件投诉的；答复也会按您留下的联系方式发给您，您可以评价。',
    en: 'On {at} your report was merged with an earlier report of the same problem. The status, deadline, reply and timeline below are that case’s; the reply is also sent to you, and you can rate it.',
  },
  'status.merged.title': { 'zh-CN': '已合并办理', en: 'Handled together' },

  // Rating
  'rate.title': { 'zh-CN': '评价答复', en: 'Rate the reply' },
  // True under either DISSATISFIED_ACTION (the home page says which): no reopen is promised here.
  'rate.intro': {
    'zh-CN': '您的评价计入公开的满意率统计；不满意的，办公室会跟进。',
    en: 'Your rating counts in the published satisfaction figures; if you are not satisfied, the office follows it up.',
  },
  'rate.satisfaction': { 'zh-CN': '您对答复是否满意？', en: 'Are you satisfied with the reply?' },
  'rate.resolved': { 'zh-CN': '问题解决了吗？', en: 'Was the problem solved?' },
  'rate.yes': { 'zh-CN': '已解决', en: 'Yes' },
  'rate.no': { 'zh-CN': '未解决', en: 'No' },
  'rate.comment': { 'zh-CN': '意见建议（选填）', en: 'Comment (optional)' },
  'rate.submit': { 'zh-CN': '提交评价', en: 'Send rating' },
  'rate.thanks': { 'zh-CN': '谢谢您的评价', en: 'Thank you for your rating' },
  'rate.thanks.text': { 'zh-CN': '评价已记录。', en: 'Your rating is recorded.' },
  'rate.conflict': { 'zh-CN': '这件投诉暂时不能评价：', en: 'This case cannot be rated now:' },
  'rate.back': { 'zh-CN': '返回查询', en: 'Back to the case' },
  'rate.already.title': { 'zh-CN': '本次答复已评价', en: 'This reply is rated' },
  'rate.already': { 'zh-CN': '您已评价过本次答复，评价已记录，无需再次提交。', en: 'You have already rated this reply; your rating is recorded and need not be sent again.' },
  'rate.recorded.satisfaction': { 'zh-CN': '满意程度', en: 'Satisfaction' },
  'rate.recorded.resolved': { 'zh-CN': '问题是否解决', en: 'Problem solved' },
  'rate.recordedAt': { 'zh-CN': '评价时间', en: 'Rated' },
  'rate.choose': { 'zh-CN': '请选择一项', en: 'Choose one' },
  // What a dissatisfied rating leads to (DISSATISFIED_ACTION), said on the thank-you page (#18).
  'rate.next.title': { 'zh-CN': '接下来', en: 'What happens next' },
  'rate.next.flag': {
    'zh-CN': '办公室将在 {at} 前复核这件投诉的办理情况；复核的进展会显示在查询页面的办理过程中。',
    en: 'The office will review how your case was handled by {at}; what it does shows in the case’s timeline on the status page.',
  },
  'rate.next.reopen': {
    'zh-CN': '您的投诉已重新办理（重办），新的答复期限：{at}。新的答复会发给您，届时可以再次评价。',
    en: 'Your case is being handled again; the new reply is due by {at}. You will get the new reply and can rate it again.',
  },

  // Statistics
  'stats.title': { 'zh-CN': '办理统计', en: 'Statistics' },
  'stats.lead': { 'zh-CN': '本页公布热线的受理和办理情况，口径见页末。', en: 'The hotline’s published figures; the definitions are at the end of the page.' },
  'stats.filter': { 'zh-CN': '选择时段和车站', en: 'Choose a period and a station' },
  'stats.period': { 'zh-CN': '统计时段', en: 'Period' },
  'stats.period.recent': { 'zh-CN': '最近 12 个月', en: 'The last 12 months' },
  'stats.period.years': { 'zh-CN': '全年', en: 'Years' },
  'stats.period.quarters': { 'zh-CN': '季度', en: 'Quarters' },
  'stats.period.months': { 'zh-CN': '月份', en: 'Months' },
  'stats.period.year': { 'zh-CN': '{y} 年', en: '{y}' },
  'stats.period.quarter': { 'zh-CN': '{y} 年第 {q} 季度', en: 'Q{q} {y}' },
  'stats.period.month': { 'zh-CN': '{y} 年 {m} 月', en: '{mon} {y}' },
  'stats.station': { 'zh-CN': '车站', en: 'Station' },
  'stats.station.all': { 'zh-CN': '全部车站', en: 'All stations' },
  'stats.show': { 'zh-CN': '查看', en: 'Show' },
  'stats.range': { 'zh-CN': '统计范围：{from} 至 {to}，{station}。', en: 'Figures for {from} to {to}, {station}.' },
  'stats.generated': { 'zh-CN': '数据生成于 {at}。', en: 'Computed {at}.' },
  'stats.open': { 'zh-CN': '目前在办案件', en: 'Open now' },
  'stats.open.note': { 'zh-CN': '尚未办结的案件（不分时段）', en: 'Cases not yet closed (any period)' },
  'stats.updating': { 'zh-CN': '统计数据正在更新：还有 {n} 件案件的最新变动尚未计入。', en: 'The figures are being updated: the latest changes to {n} cases are not counted yet.' },
  'stats.updating.at': { 'zh-CN': '统计数据上次更新于 {at}。', en: 'The figures were last brought up to date at {at}.' },
  'stats.small': { 'zh-CN': '样本少（{n} 件），仅供参考', en: 'Small sample ({n}): read with care' },
  'stats.small.short': { 'zh-CN': '样本少（{n} 件）', en: 'small sample ({n})' },
  'stats.rank.nth': { 'zh-CN': '第 {n} 名', en: 'ranked {n}' },
  'stats.small.note': {
    'zh-CN': '标有“样本少”的比率所依据的案件或评价少于 {n} 件，数字可能随少数案件大幅波动。',
    en: 'A rate marked “small sample” rests on fewer than {n} cases or ratings; a few cases can move it a lot.',
  },
  'stats.chart.trend': { 'zh-CN': '近 12 个月受理量与按期答复情况', en: 'Received and answered on time, last 12 months' },
  'stats.chart.trend.desc': {
    'zh-CN': '柱为每月受理量；应办结的案件中按期与超时分开显示，未到期的不计入。',
    en: 'Bars show cases received each month; of the cases due each month, those answered on time and late are shown apart; cases not yet due are left out.',
  },
  'stats.trend.month': { 'zh-CN': '月份', en: 'Month' },
  'stats.trend.received': { 'zh-CN': '受理', en: 'Received' },
  'stats.trend.onTime': { 'zh-CN': '按期答复', en: 'Answered on time' },
  'stats.trend.onTimeShort': { 'zh-CN': '按期', en: 'On time' },
  'stats.trend.late': { 'zh-CN': '超时', en: 'Late' },
  'stats.trend.rate': { 'zh-CN': '按期率', en: 'On-time rate' },
  'stats.trend.axis': { 'zh-CN': '件数', en: 'Cases' },
  'stats.chart.timing': { 'zh-CN': '答复时间与期限相比', en: 'When replies came, against the deadline' },
  'stats.chart.timing.desc': {
    'zh-CN': '本时段到期的案件：提前多少答复、超时多久，以及到期仍未答复的件数。',
    en: 'Cases due in this period: how early or late the reply came, and how many are still unanswered past the deadline.',
  },
  'stats.timing.early': { 'zh-CN': '提前 2 天以上答复', en: 'Replied more than 2 days early' },
  'stats.timing.lastTwoDays': { 'zh-CN': '期限前 2 天内答复', en: 'Replied in the last 2 days' },
  'stats.timing.lateWithinDay': { 'zh-CN': '超时 1 天以内', en: 'Late by up to 1 day' },
  'stats.timing.lateMore': { 'zh-CN': '超时 1 天以上', en: 'Late by more than 1 day' },
  'stats.timing.unanswered': { 'zh-CN': '已过期限仍未答复', en: 'Past the deadline, not answered' },
  'stats.timing.kind': { 'zh-CN': '答复时间', en: 'Reply' },
  'stats.timing.count': { 'zh-CN': '件数', en: 'Cases' },
  'stats.timing.share': { 'zh-CN': '占比', en: 'Share' },
  'stats.timing.running': { 'zh-CN': '另有 {n} 件尚未到期、尚未答复，不计入。', en: 'A further {n} not yet due and not answered are left out.' },
  'stats.timing.reopened': {
    'zh-CN': '另有 {n} 件重新办理的案件，其首轮按期 {onTime} 件、超时 {late} 件，首轮答复时间未单独保存，不列入上图。',
    en: 'A further {n} reopened cases ({onTime} first answered on time, {late} late) are left out: their first reply time is not kept.',
  },
  'stats.timing.rebuilding': { 'zh-CN': '这部分数据正在重新统计，稍后再来查看。', en: 'These figures are being rebuilt; look again later.' },
  'stats.chart.top': { 'zh-CN': '反映最多的问题类别', en: 'The problems reported most' },
  'stats.chart.top.desc': { 'zh-CN': '本时段受理量最多的类别。', en: 'The categories with the most cases in this period.' },
  'stats.chart.none': { 'zh-CN': '这一时段没有数据。', en: 'No figures for this period.' },
  'stats.headline': { 'zh-CN': '总体情况', en: 'Headline figures' },
  'stats.received': { 'zh-CN': '受理量', en: 'Received' },
  'stats.closure': { 'zh-CN': '办结率', en: 'Closure rate' },
  'stats.due.note': { 'zh-CN': '{due} 件应办结中 {late} 件超时办结；{running} 件尚未到期，暂不计入', en: '{late} of {due} due answered late; {running} not yet due, not counted yet' },
  'stats.response': { 'zh-CN': '响应率', en: 'Response rate' },
  'stats.resolution': { 'zh-CN': '解决率', en: 'Resolution rate' },
  'stats.satisfaction': { 'zh-CN': '满意率', en: 'Satisfaction rate' },
  'stats.cases': { 'zh-CN': '{n} 件', en: '{n} cases' },
  'stats.times': { 'zh-CN': '办理用时', en: 'How long it took' },
  'stats.times.step': { 'zh-CN': '环节', en: 'Step' },
  'stats.times.median': { 'zh-CN': '中位数', en: 'Median' },
  'stats.times.p90': { 'zh-CN': '90% 案件在此之内', en: '90% within' },
  'stats.times.count': { 'zh-CN': '计入件数', en: 'Cases' },
  'stats.time.ack': { 'zh-CN': '签收', en: 'Acknowledge' },
  'stats.time.contact': { 'zh-CN': '首次联系', en: 'First contact' },
  'stats.time.reply': { 'zh-CN': '答复', en: 'Reply' },
  'stats.time.close': { 'zh-CN': '办结', en: 'Close' },
  'stats.minutes': { 'zh-CN': '{n} 分钟', en: '{n} min' },
  'stats.hours': { 'zh-CN': '{n} 小时', en: '{n} h' },
  'stats.days': { 'zh-CN': '{n} 天', en: '{n} days' },
  'stats.byMonth': { 'zh-CN': '按月份', en: 'By month' },
  'stats.byCategory': { 'zh-CN': '按问题类别', en: 'By category' },
  'stats.chart.month': { 'zh-CN': '各月办结率、按期办结率和满意率（%）', en: 'Closure, on-time and satisfaction rates by month (%)' },
  'stats.chart.category': { 'zh-CN': '各类别办结率、按期办结率和满意率（%）', en: 'Closure, on-time and satisfaction rates by category (%)' },
  'stats.chart.tableNote': { 'zh-CN': '图中数据见下表。', en: 'The table below gives the chart’s figures.' },
  'stats.group.month': { 'zh-CN': '月份', en: 'Month' },
  'stats.group.category': { 'zh-CN': '类别', en: 'Category' },
  'stats.rank': { 'zh-CN': '满意率排名', en: 'Satisfaction rank' },
  'stats.few': { 'zh-CN': '样本不足，不参与排名', en: 'too few ratings to rank' },
  'stats.fewNote': { 'zh-CN': '评价少于 {n} 件的类别样本不足，不参与排名。', en: 'Categories with fewer than {n} ratings have too few ratings to rank.' },
  'stats.top': { 'zh-CN': '每月一题', en: 'Problem of the month' },
  'stats.top.intro': {
    'zh-CN': '{from} 至 {to} 受理最多的问题，与上一周期（{pfrom} 至 {pto}）比较。',
    en: 'The most reported problems from {from} to {to}, against the period before ({pfrom} to {pto}).',
  },
  'stats.top.problem': { 'zh-CN': '问题', en: 'Problem' },
  'stats.top.place': { 'zh-CN': '地点', en: 'Place' },
  'stats.top.count': { 'zh-CN': '本期', en: 'This period' },
  'stats.top.previous': { 'zh-CN': '上期', en: 'Period before' },
  'stats.top.change': { 'zh-CN': '变化', en: 'Change' },
  'stats.top.none': { 'zh-CN': '这个月暂无集中反映的问题。', en: 'No problem stood out this month.' },
  'stats.csv': { 'zh-CN': '下载 CSV（按月份）', en: 'Download CSV (by month)' },
  'stats.csvCategory': { 'zh-CN': '下载 CSV（按类别）', en: 'Download CSV (by category)' },
  'stats.definitions': { 'zh-CN': '口径说明', en: 'Definitions' },
  'stats.api': { 'zh-CN': '开发者可查阅开放接口文档。', en: 'Developers can read the API documentation.' },

  // Errors
  'error.notFound.title': { 'zh-CN': '没有这个页面', en: 'Page not found' },
  'error.notFound.text': { 'zh-CN': '请检查网址，或从首页重新进入。', en: 'Check the address, or start again from the home page.' },
  'error.unavailable': { 'zh-CN': '服务暂时不可用，请稍后再试，或拨打热线。', en: 'The service is unavailable; try again shortly, or call the line.' },
  'error.generic': { 'zh-CN': '出了点问题，请稍后再试。', en: 'Something went wrong; try again shortly.' },
  'error.badGateway.title': { 'zh-CN': '暂时无法显示这个页面', en: 'This page cannot be shown right now' },
  'error.badGateway.text': {
    'zh-CN': '系统返回了本页无法读取的数据，我们已记录。请稍后再试，或拨打热线。',
    en: 'The service sent this page data it could not read; this has been logged. Try again shortly, or call the line.',
  },

  // Timeline events are named by the contract (EVENT_WORDS, its public column); these are their details.
  'event.newDue': { 'zh-CN': '新的期限：{at}', en: 'New deadline: {at}' },
  'event.mergedInto': { 'zh-CN': '请查询主件：{code}', en: 'Follow the main case: {code}' },
  'event.reason': { 'zh-CN': '原因：{reason}', en: 'Reason: {reason}' },
  'event.reason.dissatisfied': { 'zh-CN': '原因：评价不满意', en: 'Reason: rated dissatisfied' },
  'event.reviewDue': { 'zh-CN': '复核期限：{at}', en: 'Review by {at}' },
} satisfies Record<string, Bilingual>;

export type WordKey = keyof typeof WORDS;

export function t(lang: Lang, key: WordKey, params: Record<string, string | number> = {}): string {
  const template = WORDS[key][lang];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** A translator bound to one language, for templates. */
export function translator(lang: Lang) {
  return (key: WordKey, params?: Record<string, string | number>) => t(lang, key, params);
}

export function statusName(lang: Lang, status: string): string {
  return label('status', status, lang);
}

/** The public name of a timeline event, or undefined for types the public page does not describe. */
export function eventName(lang: Lang, type: string): string | undefined {
  return eventWords(type, 'public', lang);
}

export function kindWord(lang: Lang, kind: string): string {
  return label('kind', kind, lang);
}

/** The answers a citizen may give to "are you satisfied?", in the form's order. */
export function satisfactionWord(lang: Lang, satisfaction: CitizenSatisfaction): string {
  return SATISFACTION_LABELS[satisfaction][lang];
}
