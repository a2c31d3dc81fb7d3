import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { z } from 'zod';
import { type Lang, type Meta, PHOTO_MAX_BYTES, PHOTOS_MAX } from './contract.ts';
import { t, type WordKey } from './i18n.ts';

/*
 * Checking a case form (the public complaint form, the console's entry form)
 * before it is sent, so that every problem is shown in one answer. The API
 * checks its schema first and its reference data and the phone only once the
 * schema passes, so on its own it names a bad phone only after the other
 * fields are fixed. Here the contract's own schema (all its issues at once),
 * the lists the form offered and the API's phone rule run together, and each
 * message names its field in words, never by its API name. The API stays the
 * judge: what it still refuses is shown beside the field too (apiFieldErrors).
 */

/** The fields of a case form, by the API's names (also the inputs' ids). */
export const CASE_FIELDS = ['channel', 'receivedAt', 'station', 'location', 'kind', 'category', 'priority', 'description', 'photos', 'phone', 'email', 'name', 'lang'] as const;
export type CaseField = (typeof CASE_FIELDS)[number];
export type FieldErrors = Partial<Record<CaseField, string>>;

const CHOSEN: ReadonlySet<CaseField> = new Set(['channel', 'station', 'location', 'kind', 'category', 'priority', 'lang']);
const BLANK: Partial<Record<CaseField, WordKey>> = { description: 'form.fill.description', phone: 'form.fill.phone' };

function isCaseField(name: string): name is CaseField {
  return (CASE_FIELDS as readonly string[]).includes(name);
}

function say(lang: Lang, field: CaseField, key: WordKey, params: Record<string, string | number> = {}): string {
  return t(lang, key, { noun: t(lang, `field.${field}` as WordKey), ...params });
}

/** "Choose a station" / "请填写问题描述": what a blank required field is told. */
function blankMessage(lang: Lang, field: CaseField): string {
  const own = BLANK[field];
  if (own) return t(lang, own);
  return say(lang, field, CHOSEN.has(field) ? 'form.choose' : 'form.fill');
}

/**
 * The API's own test of a phone (api/domain/cases/phone.ts, parsePhone):
 * libphonenumber's "max" metadata, a number without a country code read as
 * mainland. Kept no stricter than the API's; tests/unit/case-form.test.ts
 * holds the two to the same answers.
 */
export function phoneAccepted(input: string): boolean {
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > 32) return false;
  const parsed = parsePhoneNumberFromString(trimmed, 'CN');
  if (!parsed) return false;
  return parsed.getType() !== undefined || parsed.isValid();
}

/** What a case form offers to choose from (GET /api/meta). */
export type OfferedLists = Pick<Meta, 'stations' | 'kinds' | 'categories' | 'locations'>;

export interface CaseFormCheck {
  lang: Lang;
  /** The contract's schema of the body this form sends (CreateCaseBody, EnterCaseBody). */
  schema: z.ZodType;
  /** The body as it would be sent: blank fields left out. */
  body: Record<string, unknown>;
  /** Fields that may not be left blank (phone is required on the public form only). */
  required: readonly CaseField[];
  /** The lists the form offered; without them (the API unreachable) only the schema is checked. */
  meta: OfferedLists | undefined;
  /** For a time received: no later than this (the API allows five minutes of clock drift). */
  now?: Date;
}

/** Every problem with the form's fields at once, each in words for people; empty when it may be sent. */
export function caseFormErrors({ lang, schema, body, required, meta, now }: CaseFormCheck): FieldErrors {
  const errors: FieldErrors = {};
  const flag = (field: CaseField, message: string) => {
    errors[field] ??= message;
  };
  for (const field of required) if (body[field] === undefined) flag(field, blankMessage(lang, field));

  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      if (isCaseField(field)) flag(field, issueMessage(lang, field, issue, body[field]));
    }
  }

  const text = (field: CaseField) => (typeof body[field] === 'string' && !errors[field] ? (body[field] as string) : undefined);
  if (meta) {
    const station = text('station');
    if (station !== undefined && !meta.stations.some((s) => s.code === station)) flag('station', say(lang, 'station', 'form.fromList'));
    const kind = text('kind');
    if (kind !== undefined && !meta.kinds.some((k) => k.code === kind)) flag('kind', say(lang, 'kind', 'form.fromList'));
    const category = text('category');
    if (category !== undefined && !meta.categories.some((c) => c.code === category)) flag('category', say(lang, 'category', 'form.fromList'));
    const location = text('location');
    if (location !== undefined && station !== undefined && !errors.station && !meta.locations.some((l) => l.station === station && l.code === location)) {
      flag('location', t(lang, 'form.location'));
    }
  }
  const phone = text('phone');
  if (phone !== undefined && !phoneAccepted(phone)) flag('phone', t(lang, 'form.invalid.phone'));
  const receivedAt = text('receivedAt');
  if (receivedAt !== undefined && now && new Date(receivedAt).getTime() > now.getTime() + 5 * 60_000) flag('receivedAt', say(lang, 'receivedAt', 'form.future'));
  // In the order the forms show their fields, so the summary reads top to bottom.
  return Object.fromEntries(CASE_FIELDS.filter((f) => errors[f]).map((f) => [f, errors[f]]));
}

function issueMessage(lang: Lang, field: CaseField, issue: z.core.$ZodIssue, value: unknown): string {
  if (value === undefined || (issue.code === 'too_small' && typeof value === 'string' && value.trim() === '')) return blankMessage(lang, field);
  switch (issue.code) {
    case 'too_big':
      return say(lang, field, 'form.tooLong', { max: Number(issue.maximum), n: typeof value === 'string' ? value.length : 0 });
    case 'invalid_value':
      return say(lang, field, 'form.fromList');
    case 'custom':
      return say(lang, field, 'form.unstorable');
    default:
      if (field === 'email') return t(lang, 'form.invalid.email');
      if (field === 'phone') return t(lang, 'form.invalid.phone');
      return say(lang, field, 'form.invalid');
  }
}

/**
 * The API's field errors for the fields this form shows. Its messages are
 * already in the page's language; one that does not name its field gets the
 * field's name in front, so it reads on its own in the error summary. Errors
 * on fields the form does not show are not placed (`unplaced`): the page says
 * the form could not be sent, without the API's field names.
 */
export function apiFieldErrors(lang: Lang, fields: Record<string, string>, shown: readonly CaseField[]): { errors: FieldErrors; unplaced: boolean } {
  const errors: FieldErrors = {};
  let unplaced = false;
  for (const [name, message] of Object.entries(fields)) {
    if (!isCaseField(name) || !shown.includes(name)) {
      unplaced = true;
      continue;
    }
    const noun = t(lang, `field.${name}` as WordKey);
    errors[name] = message.toLowerCase().includes(noun.toLowerCase()) ? message : `${capitalize(noun, lang)}${t(lang, 'colon')}${message}`;
  }
  return { errors, unplaced };
}

function capitalize(word: string, lang: Lang): string {
  return lang === 'en' ? word.charAt(0).toUpperCase() + word.slice(1) : word;
}

/** The photos a multipart form carried: a file input left empty sends one nameless empty part, which is none. */
export function chosenPhotos(data: FormData | undefined, field = 'photos'): File[] {
  return (data?.getAll(field) ?? []).filter((f): f is File => f instanceof File && (f.size > 0 || f.name !== ''));
}

/**
 * What the page can tell about the photos before sending them: how many and
 * how large. Whether each is an image is read from its bytes by the API,
 * which answers beside the same field (apiFieldErrors).
 */
export function photoErrors(lang: Lang, photos: readonly File[]): string | undefined {
  if (photos.length > PHOTOS_MAX) return t(lang, 'form.photos.tooMany', { max: PHOTOS_MAX, n: photos.length });
  const big = photos.find((f) => f.size > PHOTO_MAX_BYTES);
  if (big) return t(lang, 'form.photos.tooBig', { name: big.name.slice(0, 80), mb: PHOTO_MAX_BYTES / 1024 / 1024 });
  return undefined;
}

/** The case form's fields and its photos as one multipart body for the API. */
export function withPhotos(body: Record<string, unknown>, photos: readonly File[]): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(body)) if (v !== undefined) form.set(k, String(v));
  for (const f of photos) form.append('photos', f, f.name);
  return form;
}
