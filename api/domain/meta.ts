import type { Ctx } from '../context.ts';
import { CASE_KINDS } from '../contract/enums.ts';
import { KIND_LABELS } from '../contract/labels.ts';
import type { Lang } from '../i18n.ts';
import { matchClocks } from './deadlines/policy.ts';

export function localName(row: { nameZh: string; nameEn: string }, lang: Lang): string {
  return lang === 'en' ? row.nameEn : row.nameZh;
}

export function kindName(kind: (typeof CASE_KINDS)[number], lang: Lang): string {
  return KIND_LABELS[kind][lang];
}

/** What a form or a client needs to file a case, in the caller's language, and what a dissatisfied rating will do. */
export async function getMeta({ ctx }: { ctx: Ctx }) {
  const ref = await ctx.reference.get(ctx.db);
  return {
    stations: ref.stations.map((s) => ({ code: s.code, name: localName(s, ctx.lang) })),
    kinds: CASE_KINDS.map((k) => ({ code: k, name: kindName(k, ctx.lang) })),
    categories: ref.categories.map((c) => ({
      code: c.code,
      name: localName(c, ctx.lang),
      defaultPriority: c.defaultPriority,
    })),
    locations: ref.locations.flatMap((l) => {
      const station = ref.stationsById.get(l.stationId);
      return station ? [{ code: l.code, name: localName(l, ctx.lang), station: station.code }] : [];
    }),
    dissatisfiedAction: ctx.config.dissatisfiedAction,
    // What the active policies give a case filed on the web, per kind, without a colour or a
    // category's own policy: the limits the home page promises (no policy names or sources).
    replyLimits: CASE_KINDS.map((kind) => {
      const { reply } = matchClocks(ref.policies, { channel: 'web', kind, categoryId: 0, priority: 'normal', receivedAt: new Date(0) });
      return { kind, name: kindName(kind, ctx.lang), amount: reply.amount, unit: reply.unit };
    }),
  };
}

/** Departments for the dispatcher's assignment form: every one, with whether it is still active. */
export async function listDepartmentsForStaff({ ctx }: { ctx: Ctx }) {
  const ref = await ctx.reference.get(ctx.db);
  return ref.departments.map((d) => ({ code: d.code, name: localName(d, ctx.lang), isPartner: d.isPartner, active: d.active }));
}
