import { sql } from 'drizzle-orm';
import type { Ctx } from '../api/context.ts';
import { type CreateCaseInput, createCase } from '../api/domain/cases/create.ts';
import { cases } from '../db/schema.ts';

/**
 * A few cases for a first look at the console (demo databases only): filed
 * through the same domain verb as real ones, so they have deadlines, timelines
 * and receipts. Their receipts go to the local provider: demo data is seeded
 * only on the embedded database or with SEED_DEMO=1, never with real SMS keys
 * in mind — do not set SEED_DEMO on a server that has them.
 */
const DEMO: Array<Omit<CreateCaseInput, 'lang' | 'actor'> & { hoursAgo: number }> = [
  {
    station: 'TJ',
    kind: 'complaint',
    category: 'touting',
    location: 'exit',
    channel: 'web',
    hoursAgo: 1,
    phone: '13800138001',
    description: '出站口有人拉客，称“打车去滨海新区只要一百”，跟了我一路。',
  },
  {
    station: 'TJ',
    kind: 'report',
    category: 'illegal_taxi',
    location: 'rear_square',
    channel: 'phone',
    hoursAgo: 5,
    phone: '13800138002',
    description: '后广场停车场出口有黑车揽客，车牌津A·12345（乘客自述）。',
  },
  {
    station: 'TJN',
    kind: 'help',
    category: 'accessibility',
    location: 'entrance',
    channel: 'web',
    hoursAgo: 26,
    phone: '13800138003',
    description: '带轮椅的老人找不到无障碍电梯，进站口指示不清。',
  },
  {
    station: 'BJN',
    kind: 'suggestion',
    category: 'signage',
    location: 'metro_transfer',
    channel: 'web',
    hoursAgo: 50,
    phone: '13800138004',
    description: '地铁换乘通道的英文指示牌有错别字，建议更换。',
  },
  { station: 'TJ', kind: 'complaint', category: 'taxi_dispatch', location: 'taxi_dispatch', channel: 'walk_in', hoursAgo: 3, description: '出租车调度站排队时有司机挑客拒载。' },
  {
    station: 'BJN',
    kind: 'consult',
    category: 'parking',
    location: 'parking',
    channel: 'web',
    hoursAgo: 0.5,
    phone: '13800138006',
    description: '南站停车场夜间如何收费？',
    priority: 'blue',
  },
];

export async function seedDemoCases(ctx: Ctx): Promise<number> {
  const [{ count } = { count: 0 }] = await ctx.db.select({ count: sql<number>`count(*)::int` }).from(cases);
  if (count > 0) return 0;
  for (const { hoursAgo, ...c } of DEMO) {
    const receivedAt = new Date(ctx.clock.now().getTime() - hoursAgo * 3600_000);
    await createCase({ ctx, input: { ...c, receivedAt, lang: 'zh-CN', actor: { type: 'system', id: 'demo-seed' } } });
  }
  return DEMO.length;
}
