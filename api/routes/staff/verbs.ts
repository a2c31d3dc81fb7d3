import { createRoute } from '@hono/zod-openapi';
import type { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { acknowledge } from '../../domain/cases/acknowledge.ts';
import { fileAppeal, sendAppeal } from '../../domain/cases/appeal.ts';
import { assign } from '../../domain/cases/assign.ts';
import { close } from '../../domain/cases/close.ts';
import { contact } from '../../domain/cases/contact.ts';
import { decideExtension } from '../../domain/cases/decide-extension.ts';
import { getCaseDetail } from '../../domain/cases/detail.ts';
import { requestExtension } from '../../domain/cases/extend.ts';
import { merge } from '../../domain/cases/merge.ts';
import { note } from '../../domain/cases/note.ts';
import { setPriority } from '../../domain/cases/priority.ts';
import { recategorize } from '../../domain/cases/recategorize.ts';
import { relocate } from '../../domain/cases/relocate.ts';
import { reopen } from '../../domain/cases/reopen.ts';
import { reply } from '../../domain/cases/reply.ts';
import { returnCase } from '../../domain/cases/return.ts';
import type { Staff } from '../../domain/staff/session.ts';
import { errorResponses } from '../../http/envelope.ts';
import { toWire } from '../../http/wire.ts';
import type { StaffRouter } from '../routers.ts';
import { CaseDetail, CaseIdParams, VerbBodies } from './schemas.ts';

type Verb = keyof typeof VerbBodies;
type Run<V extends Verb> = (a: { ctx: Ctx; staff: Staff; caseId: string; body: z.infer<(typeof VerbBodies)[V]> }) => Promise<unknown>;

/** Each verb: its summary and the one domain function it calls. */
const VERBS: { [V in Verb]: { summary: string; run: Run<V> } } = {
  appeal: {
    summary: 'Appeal a 12345 rating (申诉/核减) with reasons — handler of the lead department; one appeal per rating, a refused one is final',
    run: ({ ctx, staff, caseId, body }) => fileAppeal({ ctx, staff, input: { caseId, ...body } }),
  },
  'send-appeal': {
    summary: 'Send a filed appeal to the 12345 platform (callback `appeal`) — supervisor; the platform decides through the feed',
    run: ({ ctx, staff, caseId, body }) => sendAppeal({ ctx, staff, input: { caseId, ...body } }),
  },
  assign: { summary: 'Assign or reassign to a lead department (+ co-handling) — dispatcher', run: ({ ctx, staff, caseId, body }) => assign({ ctx, staff, input: { caseId, ...body } }) },
  acknowledge: { summary: 'Acknowledge (签收) — handler of the lead department', run: ({ ctx, staff, caseId, body }) => acknowledge({ ctx, staff, input: { caseId, ...body } }) },
  contact: { summary: 'Record contact with the citizen', run: ({ ctx, staff, caseId, body }) => contact({ ctx, staff, input: { caseId, ...body } }) },
  note: { summary: 'Internal note', run: ({ ctx, staff, caseId, body }) => note({ ctx, staff, input: { caseId, ...body } }) },
  reply: { summary: 'Reply (答复) — the text the citizen receives', run: ({ ctx, staff, caseId, body }) => reply({ ctx, staff, input: { caseId, ...body } }) },
  extend: {
    summary: 'Request an extension (延期): reason and new deadline — before the reply deadline, at most EXTENSION_MAX per case and EXTENSION_MAX_DAYS working days (a 409 names the limit)',
    run: ({ ctx, staff, caseId, body }) => requestExtension({ ctx, staff, input: { caseId, version: body.version, reason: body.reason, newDueAt: new Date(body.newDueAt) } }),
  },
  'decide-extension': {
    summary: 'Approve or refuse the pending extension — dispatcher or supervisor; not for a 12345 order, whose platform decides (409)',
    run: ({ ctx, staff, caseId, body }) => decideExtension({ ctx, staff, input: { caseId, ...body } }),
  },
  close: { summary: 'Close (办结) a replied case', run: ({ ctx, staff, caseId, body }) => close({ ctx, staff, input: { caseId, ...body } }) },
  reopen: { summary: 'Reopen (重办)', run: ({ ctx, staff, caseId, body }) => reopen({ ctx, staff, input: { caseId, ...body } }) },
  return: { summary: 'Return (退单) with a reason', run: ({ ctx, staff, caseId, body }) => returnCase({ ctx, staff, input: { caseId, ...body } }) },
  merge: { summary: 'Merge into a master case (by tracking code)', run: ({ ctx, staff, caseId, body }) => merge({ ctx, staff, input: { caseId, ...body } }) },
  priority: {
    summary: 'Set the hazard colour; red names its owning leader; the deadlines not yet met are recomputed',
    run: ({ ctx, staff, caseId, body }) => setPriority({ ctx, staff, input: { caseId, ...body } }),
  },
  recategorize: {
    summary: 'Change category (and kind); the deadlines not yet met are recomputed from receipt',
    run: ({ ctx, staff, caseId, body }) => recategorize({ ctx, staff, input: { caseId, ...body } }),
  },
  relocate: {
    summary: 'Correct station and place (e.g. an SMS case filed under the default station) — dispatcher or supervisor',
    run: ({ ctx, staff, caseId, body }) => relocate({ ctx, staff, input: { caseId, ...body } }),
  },
};

const errors = errorResponses({ 400: 'Bad input', 401: 'No session', 403: 'Not allowed, or CSRF', 404: 'No such case', 409: 'Illegal transition or stale version' });

export function registerVerbRoutes(router: StaffRouter) {
  for (const verb of Object.keys(VERBS) as Verb[]) {
    const route = createRoute({
      method: 'post',
      path: `/api/staff/cases/{id}/${verb}`,
      tags: ['staff: case workflow'],
      summary: VERBS[verb].summary,
      request: { params: CaseIdParams, body: { required: true, content: { 'application/json': { schema: VerbBodies[verb] } } } },
      responses: { 200: { description: 'The case after the change', content: { 'application/json': { schema: CaseDetail } } }, ...errors },
    });
    router.openapi(route, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json') as never;
      await (VERBS[verb].run as Run<Verb>)({ ctx: c.get('ctx'), staff: c.get('staff'), caseId: id, body });
      const detail = await getCaseDetail({ ctx: c.get('ctx'), staff: c.get('staff'), input: { caseId: id } });
      return c.json(toWire(detail), 200);
    });
  }
}
