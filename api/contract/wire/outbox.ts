import { z } from 'zod';
import { OUTBOX_CHANNELS, OUTBOX_STATUSES } from '../enums.ts';

/** A message the office sent, or recorded locally when no provider is configured. */
export const OutboxItem = z
  .object({
    id: z.number().int(),
    channel: z.enum(OUTBOX_CHANNELS),
    recipient: z.string(),
    template: z.string(),
    lang: z.string(),
    status: z.enum(OUTBOX_STATUSES),
    attempts: z.number().int(),
    provider: z.string().nullable(),
    deliveryStatus: z.string().nullable(),
    lastError: z.string().nullable(),
    caseId: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
    nextAttemptAt: z.string(),
    subject: z.string().nullable(),
    text: z.string(),
  })
  .meta({ id: 'OutboxItem' });
export type OutboxItem = z.infer<typeof OutboxItem>;
