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

const code = z.string().trim().min(1).max(64);
export const OpenCountQuery = z.object({
  station: code.meta({ example: 'TJ' }),
  location: code.meta({ example: 'front_square' }),
  category: code.meta({ example: 'illegal_taxi' }),
});
export type OpenCountQuery = z.infer<typeof OpenCountQuery>;

export const OpenCount = z
  .object({
    total: z.number().int(),
    byStatus: z.object({ new: z.number().int(), assigned: z.number().int(), in_progress: z.number().int(), replied: z.number().int() }),
  })
  .meta({ id: 'OpenCount', description: 'How many open cases of a category the office is handling at a place, by status: counts only, never a case or its words' });
export type OpenCount = z.infer<typeof OpenCount>;
