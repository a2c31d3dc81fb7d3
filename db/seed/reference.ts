/*
 * Reference data that looks like the real office: three stations, the office's
 * sections and its partner units, the categories travelers complain about, and
 * the places in a station district where things happen. Names in zh-CN and en.
 */
import type { CASE_KINDS, DURATION_UNITS, PRIORITIES } from '../schema.ts';

type Priority = (typeof PRIORITIES)[number];
type Kind = (typeof CASE_KINDS)[number];
type Unit = (typeof DURATION_UNITS)[number];

export const STATIONS = [
  { code: 'TJ', nameZh: '天津站', nameEn: 'Tianjin Station', city: '天津', sortOrder: 1, latitude: 39.1364, longitude: 117.2106 },
  { code: 'TJN', nameZh: '天津南站', nameEn: 'Tianjin South Station', city: '天津', sortOrder: 2, latitude: 39.0576, longitude: 117.0589 },
  { code: 'BJN', nameZh: '北京南站', nameEn: 'Beijing South Station', city: '北京', sortOrder: 3, latitude: 39.8652, longitude: 116.3786 },
];

/*
 * Where the places are (WGS 84, as GPS and map apps outside China's GCJ-02
 * give them), approximately: the station buildings from public maps, each
 * place a short way from its station's centre on the side where it lies. An
 * admin corrects them (admin API: stations, locations); the seed fills only
 * rows no admin has touched.
 */
export const PLACE_COORDINATES: Record<string, Record<string, [number, number]>> = {
  // 天津站: the front square faces the Hai River to the south-west, the rear square the north.
  TJ: {
    front_square: [39.1352, 117.2096],
    rear_square: [39.1381, 117.2115],
    intercity_square: [39.1367, 117.2131],
    taxi_dispatch: [39.1377, 117.2124],
    parking: [39.1384, 117.2101],
    metro_transfer: [39.1358, 117.2109],
    bus_stops: [39.1349, 117.2112],
    entrance: [39.136, 117.21],
    exit: [39.1371, 117.2112],
  },
  // 天津南站: the square and the taxi and bus yards lie east of the station building.
  TJN: {
    front_square: [39.0577, 117.0606],
    rear_square: [39.0575, 117.057],
    taxi_dispatch: [39.0586, 117.061],
    parking: [39.0566, 117.0612],
    metro_transfer: [39.0573, 117.0597],
    bus_stops: [39.059, 117.0602],
    entrance: [39.0579, 117.0594],
    exit: [39.0572, 117.0592],
  },
  // 北京南站: north and south squares, taxis and parking below the building.
  BJN: {
    north_square: [39.8672, 116.3786],
    south_square: [39.863, 116.3786],
    taxi_dispatch: [39.8649, 116.3799],
    parking: [39.8655, 116.377],
    metro_transfer: [39.8651, 116.3787],
    bus_stops: [39.8628, 116.38],
    entrance: [39.866, 116.3786],
    exit: [39.8645, 116.3786],
  },
};

/*
 * Each section's mailbox hears of new assignments and of near deadlines (the
 * sweep's digest). The addresses are on a reserved domain (.example, RFC 2606)
 * so that a fresh install never mails a real stranger: an admin sets the
 * office's real ones on the departments screen, and a reseed never undoes that.
 * Partner units are reached through the office's liaison mailboxes.
 */
export const OFFICE_MAIL_DOMAIN = 'tjzhan.example';
const mailbox = (local: string) => `${local}@${OFFICE_MAIL_DOMAIN}`;

export const DEPARTMENTS = [
  { code: 'enf1', nameZh: '执法一科', nameEn: 'Enforcement Section 1', isPartner: false, email: mailbox('zhifa1') },
  { code: 'enf2', nameZh: '执法二科', nameEn: 'Enforcement Section 2', isPartner: false, email: mailbox('zhifa2') },
  { code: 'enf3', nameZh: '执法三科', nameEn: 'Enforcement Section 3', isPartner: false, email: mailbox('zhifa3') },
  { code: 'general', nameZh: '综合管理科', nameEn: 'General Management Section', isPartner: false, email: mailbox('zonghe') },
  { code: 'environment', nameZh: '环境管理科', nameEn: 'Environment Management Section', isPartner: false, email: mailbox('huanjing') },
  { code: 'railway_police', nameZh: '铁路公安派出所', nameEn: 'Railway Police Station', isPartner: true, email: mailbox('lianluo.gongan') },
  { code: 'traffic_police', nameZh: '交警大队', nameEn: 'Traffic Police Brigade', isPartner: true, email: mailbox('lianluo.jiaojing') },
  { code: 'railway_passenger', nameZh: '车站客运部门', nameEn: 'Railway Passenger Department', isPartner: true, email: mailbox('lianluo.keyun') },
  { code: 'transport_enforcement', nameZh: '交通运输综合执法', nameEn: 'Transport Enforcement', isPartner: true, email: mailbox('lianluo.yunzheng') },
];

export const CATEGORIES: Array<{
  code: string;
  nameZh: string;
  nameEn: string;
  department: string;
  priority: Priority;
}> = [
  { code: 'touting', nameZh: '拉客揽客', nameEn: 'Touting', department: 'enf1', priority: 'normal' },
  { code: 'illegal_taxi', nameZh: '非法营运（黑出租）', nameEn: 'Illegal taxis', department: 'enf2', priority: 'normal' },
  { code: 'peddling', nameZh: '兜售物品', nameEn: 'Peddling', department: 'enf1', priority: 'normal' },
  { code: 'street_stall', nameZh: '占道经营', nameEn: 'Stalls on walkways', department: 'enf3', priority: 'normal' },
  { code: 'parking', nameZh: '停车秩序', nameEn: 'Parking disorder', department: 'enf3', priority: 'normal' },
  { code: 'sanitation', nameZh: '环境卫生', nameEn: 'Sanitation', department: 'environment', priority: 'normal' },
  { code: 'facilities', nameZh: '设施损坏', nameEn: 'Broken facilities', department: 'general', priority: 'normal' },
  { code: 'signage', nameZh: '标识指引', nameEn: 'Signage', department: 'general', priority: 'normal' },
  { code: 'accessibility', nameZh: '无障碍设施', nameEn: 'Accessibility', department: 'general', priority: 'normal' },
  { code: 'taxi_dispatch', nameZh: '出租车调度', nameEn: 'Taxi dispatch station', department: 'enf2', priority: 'normal' },
  { code: 'staff_attitude', nameZh: '工作人员态度', nameEn: 'Staff attitude', department: 'general', priority: 'normal' },
  { code: 'other', nameZh: '其他', nameEn: 'Other', department: 'general', priority: 'normal' },
];

const COMMON_LOCATIONS = [
  { code: 'front_square', nameZh: '前广场', nameEn: 'Front square' },
  { code: 'rear_square', nameZh: '后广场', nameEn: 'Rear square' },
  { code: 'taxi_dispatch', nameZh: '出租车调度站', nameEn: 'Taxi dispatch station' },
  { code: 'parking', nameZh: '停车场', nameEn: 'Parking' },
  { code: 'metro_transfer', nameZh: '地铁换乘通道', nameEn: 'Metro transfer' },
  { code: 'bus_stops', nameZh: '公交站', nameEn: 'Bus stops' },
  { code: 'entrance', nameZh: '进站口', nameEn: 'Entrances' },
  { code: 'exit', nameZh: '出站口', nameEn: 'Exits' },
];

export const LOCATIONS: Record<string, Array<{ code: string; nameZh: string; nameEn: string }>> = {
  TJ: [...COMMON_LOCATIONS.slice(0, 2), { code: 'intercity_square', nameZh: '城际广场', nameEn: 'Intercity square' }, ...COMMON_LOCATIONS.slice(2)],
  TJN: COMMON_LOCATIONS,
  BJN: [{ code: 'north_square', nameZh: '北广场', nameEn: 'North square' }, { code: 'south_square', nameZh: '南广场', nameEn: 'South square' }, ...COMMON_LOCATIONS.slice(2)],
};

export interface PolicySeed {
  name: string;
  kind?: Kind;
  priority?: Priority;
  ack?: [number, Unit];
  contact?: [number, Unit];
  reply?: [number, Unit];
  source: string;
}

/*
 * The default deadline policies, named in the console's language (Chinese).
 * Each clock is taken from the most specific policy that sets it, so the base
 * row gives acknowledge/contact to every case and the kind rows only the reply
 * clock.
 */
export const POLICIES: PolicySeed[] = [
  {
    name: '基础：签收和首次联系',
    ack: [2, 'hours'],
    contact: [24, 'hours'],
    reply: [10, 'working_days'],
    source: 'Office practice: the districts run day and night, so acknowledgement and first contact run on the wall clock.',
  },
  { name: '咨询', kind: 'consult', reply: [1, 'working_days'], source: '12345 hotline practice: consultations answered within 1 working day.' },
  { name: '求助', kind: 'help', reply: [5, 'working_days'], source: '12345 hotline practice: help requests within 5 working days.' },
  { name: '投诉', kind: 'complaint', reply: [10, 'working_days'], source: '信访工作条例 / 12345 practice: complaints within 10 working days.' },
  { name: '举报', kind: 'report', reply: [10, 'working_days'], source: '12345 hotline practice: reports within 10 working days.' },
  { name: '建议', kind: 'suggestion', reply: [15, 'working_days'], source: '12345 hotline practice: suggestions within 15 working days.' },
  {
    name: '红色（领导包案）',
    priority: 'red',
    ack: [0.25, 'hours'],
    contact: [1, 'hours'],
    reply: [24, 'hours'],
    source: 'Three-colour hazard scheme: red is owned by a named leader, shortest clocks.',
  },
  { name: '黄色', priority: 'yellow', reply: [7, 'calendar_days'], source: 'Three-colour hazard scheme: yellow is supervised for up to a week.' },
  { name: '蓝色', priority: 'blue', reply: [0, 'same_day'], source: 'Three-colour hazard scheme: blue is handled the same day.' },
];

/**
 * The English names the default policies were first seeded with, by their
 * Chinese names now: a row still under its first name that no admin has
 * edited is renamed when the seed runs (seed/index.ts), so an existing
 * console shows them in its language too.
 */
export const FIRST_POLICY_NAMES: Record<string, string> = {
  '基础：签收和首次联系': 'Base: acknowledge and first contact',
  咨询: 'Consult',
  求助: 'Help request',
  投诉: 'Complaint',
  举报: 'Report',
  建议: 'Suggestion',
  '红色（领导包案）': 'Red (领导包案)',
  黄色: 'Yellow',
  蓝色: 'Blue',
};
