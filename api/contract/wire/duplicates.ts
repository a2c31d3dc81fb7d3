import { z } from 'zod';
import { CASE_STATUSES } from '../enums.ts';

/*
 * Duplicates on the wire (issue #17). Staff read a case's likely duplicates
 * with an excerpt of their words; the public reads only counts by status.
 */

const Named = z.object({ code: z.string(), name: z.string() });

export const DuplicateCandidate = z
  .object({
    id: z.string(),
    trackingCode: z.string(),
    version: z.number().int(),
    status: z.enum(CASE_STATUSES),
    receivedAt: z.string(),
    category: Named.nullable(),
    location: Named.nullable(),
    samePlace: z.boolean().meta({ description: 'At the same place of the station as the case' }),
    excerpt: z.string().meta({ description: 'The first words of its description' }),
    score: z.number().min(0).max(1).meta({ description: 'How alike: the texts’ character pairs, a shared number plate, the same category and place' }),
  })
  .meta({ id: 'DuplicateCandidate' });
export type DuplicateCandidate = z.infer<typeof DuplicateCandidate>;

export const DuplicateCandidates = z
  .object({
    windowDays: z.number().int().meta({ description: 'Open cases of the same station received within this many days of the case' }),
    items: z.array(DuplicateCandidate).max(5),
  })
  .meta({ id: 'DuplicateCandidates' });
export type DuplicateCandidates = z.infer<typeof DuplicateCandidates>;
