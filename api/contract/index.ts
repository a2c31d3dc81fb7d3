/**
 * The contract between the API, the site and the tests: enums, their names in
 * both languages, the tracking-code format, the verb rules and the wire
 * schemas. It depends on zod alone, so the site's server and browser code can
 * import it as the API does.
 */
export * from './durations.ts';
export * from './enums.ts';
export * from './events.ts';
export * from './labels.ts';
export * from './lang.ts';
export * from './text.ts';
export * from './tracking-code.ts';
export * from './verbs.ts';
export * from './wire/admin.ts';
export * from './wire/deadlines.ts';
export * from './wire/duplicates.ts';
export * from './wire/health.ts';
export * from './wire/outbox.ts';
export * from './wire/photos.ts';
export * from './wire/public.ts';
export * from './wire/staff.ts';
export * from './wire/stats.ts';
