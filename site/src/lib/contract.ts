/**
 * The API's contract, as the site reads it: enums, their labels in both
 * languages, the tracking-code format, the verb rules and the wire schemas of
 * every answer. This is the one door from site/ into api/: the contract depends
 * on zod alone, so the SSR bundle stays free of the API's runtime (and of Node).
 * Drift between what the API sends and what a page reads is a compile error.
 */
export * from '../../../api/contract/index.ts';
