import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { CASE_KINDS, caseEvents, cases } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { isStorableText, UNSTORABLE_MESSAGE } from '../../contract/text.ts';
import { DomainError, type FieldIssue, invalidInput, notFound } from '../../errors.ts';
import { t } from '../../i18n.ts';
import { createCase } from '../cases/create.ts';
import { parsePhone } from '../cases/phone.ts';
import { toShanghaiIso } from '../deadlines/shanghai-time.ts';
import { recordPhotos } from '../photos/attach.ts';
import { checkPhotoUploads, type PhotoUpload } from '../photos/limits.ts';
import { discardPhotos, storePhotos } from '../photos/store-photos.ts';
import { authenticateApiKey } from './api-keys.ts';
import { OPEN311_EVENT } from './requests.ts';
import { ATTRIBUTES, DEFAULT_KIND, KNOWN_ATTRIBUTES } from './services.ts';

/** The spec's limit on a description. */
export const OPEN311_DESCRIPTION_MAX = 4000;

/** A POST to requests, as the form carried it (blank fields already dropped). */
export interface SubmitInput {
  apiKey?: string | undefined;
  serviceCode?: string | undefined;
  /** attribute[code]=value; a code sent as attribute[code][] or more than once has several values. */
  attributes: Map<string, string[]>;
  description?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  lat?: string | undefined;
  long?: string | undefined;
  addressString?: string | undefined;
  addressId?: string | undefined;
  mediaUrl?: string | undefined;
  /** GeoReport `media` parts: photos stored with the case (api/domain/photos), up to three. */
  photos?: readonly PhotoUpload[] | undefined;
}

/**
 * Takes one filing from the key's own hourly quota. Asked only once the form is
 * wholly valid, so a refused request (400) costs the client nothing.
 */
export type FilingQuota = (key: { id: string; hourlyQuota: number }) => Promise<{ allowed: boolean; retryAfter: number }>;

/** Extra attributes a client may send beyond the service's own: kept for staff, bounded so a form cannot grow a case without end. */
export const EXTRA_ATTRIBUTES_MAX = 30;
const EXTRA_KEY_MAX = 100;
const EXTRA_VALUE_MAX = 2000;

const Email = z.email().max(254);
const MediaUrl = z.url({ protocol: /^https?$/ }).max(2000);

/**
 * Files a case from an Open311 client. The key is checked first, so a caller
 * without one learns nothing about what a valid request looks like. Then every
 * problem with the form is reported at once (a 400 listing each), and only a
 * wholly valid request takes one filing from the key's hourly quota (a 429
 * when spent) and files a case — with the same rules, deadlines and receipt as
 * the public intake, on the `open311` channel.
 *
 * The phone is optional, as GeoReport makes it (FixMyStreet sends one only when
 * its user gave one). The case records the key that filed it (`api_key_id`):
 * that client is the citizen's channel, reading status and replies through
 * Open311; without a phone no SMS is ever queued and staff see that the
 * reporter cannot be texted.
 *
 * Attributes the service does not define (FixMyStreet sends its own, such as
 * `attribute[fixmystreet_id]`) are kept on the case for staff, not refused.
 *
 * The answer's id is the case's public id. Its notice carries the tracking
 * code: it is the citizen's receipt, and this answer goes only to the client
 * the citizen filed through, never to a reader of the list.
 */
export async function submitRequest({
  ctx,
  input,
  quota,
}: {
  ctx: Ctx;
  input: SubmitInput;
  quota: FilingQuota;
}): Promise<{ publicId: string; trackingCode: string; replyDueAt: Date; notice: string }> {
  const key = await authenticateApiKey(ctx, input.apiKey);
  const ref = await ctx.reference.get(ctx.db);
  if (!input.serviceCode) throw invalidInput('open311.service_code_missing', [{ field: 'service_code', code: 'required', message: t(ctx.lang, 'open311.service_code_missing') }]);
  const category = ref.categoriesByCode.get(input.serviceCode);
  if (!category) throw notFound('open311.service_not_found', { code: input.serviceCode });

  const issues: FieldIssue[] = [];
  const issue = (field: string, code: string, messageKey: string, params: Record<string, string | number> = {}) => issues.push({ field, code, message: t(ctx.lang, messageKey, params) });
  const attr = (code: string): string | undefined => {
    const values = input.attributes.get(code);
    if (values && values.length > 1) issue(`attribute[${code}]`, 'too_many', 'open311.attribute_single', { code });
    return values?.[0];
  };
  const extras = extraAttributes(input.attributes, issue);

  const stationCode = attr(ATTRIBUTES.station);
  const station = stationCode ? ref.stationsByCode.get(stationCode) : undefined;
  if (!stationCode) issue(`attribute[${ATTRIBUTES.station}]`, 'required', 'open311.attribute_required', { code: ATTRIBUTES.station });
  else if (!station) issue(`attribute[${ATTRIBUTES.station}]`, 'invalid', 'open311.attribute_invalid', { code: ATTRIBUTES.station });

  // address_id, GeoReport's own place field, may carry the same key as attribute[location].
  const locationAttr = attr(ATTRIBUTES.location);
  const locationValue = locationAttr ?? input.addressId;
  if (input.addressId && locationAttr && input.addressId !== locationAttr) issue('address_id', 'invalid', 'open311.address_id_invalid');
  let locationCode: string | undefined;
  if (locationValue) {
    // "TJ:front_square" as listed, or a bare "front_square" at the chosen station.
    const [prefix, code] = locationValue.includes(':') ? locationValue.split(':', 2) : [undefined, locationValue];
    if (prefix !== undefined && station && prefix !== station.code) issue(`attribute[${ATTRIBUTES.location}]`, 'invalid', 'open311.location_station');
    else if (station && !ref.locationsByStation.get(station.id)?.has(code!))
      issue(`attribute[${ATTRIBUTES.location}]`, 'invalid', 'open311.attribute_invalid', { code: ATTRIBUTES.location });
    else locationCode = code;
  }

  const kindValue = attr(ATTRIBUTES.kind) ?? DEFAULT_KIND;
  const kind = (CASE_KINDS as readonly string[]).includes(kindValue) ? (kindValue as (typeof CASE_KINDS)[number]) : undefined;
  if (!kind) issue(`attribute[${ATTRIBUTES.kind}]`, 'invalid', 'open311.attribute_invalid', { code: ATTRIBUTES.kind });
  attr(ATTRIBUTES.notice); // informational; whatever a client echoes back is ignored

  const description = input.description?.trim();
  if (!description) issue('description', 'required', 'description.blank');
  else if (description.length > OPEN311_DESCRIPTION_MAX) issue('description', 'too_big', 'open311.field_too_long', { field: 'description', max: OPEN311_DESCRIPTION_MAX });

  if (input.phone && !parsePhone(input.phone)) issue('phone', 'invalid', 'phone.invalid');
  if (input.email && !Email.safeParse(input.email).success) issue('email', 'invalid', 'email.invalid');
  for (const [field, value] of [
    ['first_name', input.firstName],
    ['last_name', input.lastName],
  ] as const) {
    if (value && value.length > 50) issue(field, 'too_big', 'open311.field_too_long', { field, max: 50 });
  }
  // The database cannot hold a NUL or a lone surrogate: refused by field, like any other bad value.
  const texts = {
    description: input.description,
    phone: input.phone,
    email: input.email,
    first_name: input.firstName,
    last_name: input.lastName,
    address_string: input.addressString,
    address_id: input.addressId,
    media_url: input.mediaUrl,
  };
  for (const [field, value] of Object.entries(texts)) if (value && !isStorableText(value)) issue(field, 'invalid', UNSTORABLE_MESSAGE);
  if (input.addressString && input.addressString.length > 500) issue('address_string', 'too_big', 'open311.field_too_long', { field: 'address_string', max: 500 });
  if (input.mediaUrl && !MediaUrl.safeParse(input.mediaUrl).success) issue('media_url', 'invalid', 'open311.media_url_invalid');

  const coordinates = readCoordinates(input);
  if (coordinates === 'unpaired') issue(input.lat ? 'long' : 'lat', 'required', 'open311.lat_long_pair');
  if (coordinates === 'invalid') issue('lat', 'invalid', 'open311.lat_long_invalid');

  if (issues.length || !station || !kind || !description) {
    throw invalidInput('invalid_input', issues, { fields: [...new Set(issues.map((i) => i.field))].join(', ') });
  }

  // Photos are checked (count, size, type from the bytes) before the quota is taken: a refused filing costs nothing.
  const photos = input.photos ?? [];
  if (photos.length > 0) {
    // A server without photo storage says so as GeoReport clients know it: send a media_url instead.
    if (!ctx.photos)
      throw invalidInput('open311.media_upload_unsupported', [{ field: 'media', code: 'unsupported', message: t(ctx.lang, 'open311.media_upload_unsupported') }], { fields: 'media' });
    checkPhotoUploads(photos, ctx.lang, 'media');
  }

  const decision = await quota(key);
  if (!decision.allowed) throw new DomainError('rate_limited', 'open311.quota_spent', { seconds: decision.retryAfter, quota: key.hourlyQuota });

  const stored = await storePhotos(ctx, photos, 'media');
  const filing = withTransaction(ctx, async (tx) => {
    const done = await createCase({
      ctx: tx,
      input: {
        station: station.code,
        kind,
        category: category.code,
        location: locationCode,
        description,
        phone: input.phone,
        email: input.email,
        name: fullName(input.firstName, input.lastName),
        lang: ctx.lang,
        channel: 'open311',
        actor: { type: 'citizen' },
      },
    });
    // The filing client is the citizen's channel; its extra attributes and media link are for staff.
    await tx.db
      .update(cases)
      .set({ apiKeyId: key.id, attributes: Object.keys(extras).length ? extras : null, mediaUrl: input.mediaUrl ?? null })
      .where(eq(cases.id, done.id));
    // Which key filed it, and where the app placed it: for staff (internal event); only lat/long are ever published.
    await tx.db.insert(caseEvents).values({
      caseId: done.id,
      type: OPEN311_EVENT,
      at: tx.clock.now(),
      actorType: 'citizen',
      actorId: null,
      isPublic: false,
      data: {
        apiKeyId: key.id,
        apiKeyName: key.name,
        ...(typeof coordinates === 'object' ? coordinates : {}),
        ...(input.addressString ? { addressString: input.addressString } : {}),
        ...(input.mediaUrl ? { mediaUrl: input.mediaUrl } : {}),
      },
    });
    await recordPhotos(tx, { caseId: done.id, photos: stored, source: 'open311', actor: { type: 'citizen' } });
    return done;
  });
  const created = await filing.catch(async (err: unknown) => {
    await discardPhotos(ctx, stored);
    throw err;
  });
  ctx.logger.info('open311 request filed', { requestId: ctx.requestId, apiKeyId: key.id, publicId: created.publicId });
  return {
    publicId: created.publicId,
    trackingCode: created.trackingCode,
    replyDueAt: created.replyDueAt,
    notice: t(ctx.lang, 'open311.service_notice', { code: created.trackingCode, due: toShanghaiIso(created.replyDueAt) }),
  };
}

/**
 * WGS84 degrees at any precision a client prints: Java's Double.toString,
 * JavaScript's String() and Python's repr give up to 17 significant digits, and
 * an exponent for small values (1.0E-5, 1e-05).
 */
export const DECIMAL_DEGREES = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?$/;

export function readCoordinates(input: { lat?: string | undefined; long?: string | undefined }): { lat: number; long: number } | 'unpaired' | 'invalid' | undefined {
  if (input.lat === undefined && input.long === undefined) return undefined;
  if (input.lat === undefined || input.long === undefined) return 'unpaired';
  if (input.lat.length > 40 || input.long.length > 40 || !DECIMAL_DEGREES.test(input.lat) || !DECIMAL_DEGREES.test(input.long)) return 'invalid';
  const [lat, long] = [Number(input.lat), Number(input.long)];
  if (!Number.isFinite(lat) || !Number.isFinite(long) || Math.abs(lat) > 90 || Math.abs(long) > 180) return 'invalid';
  return { lat, long };
}

/**
 * The attributes the service does not define, as the client sent them (several
 * values of one code joined by a comma). Bounded in number and size; a value
 * the database cannot store is refused like any other field.
 */
function extraAttributes(
  attributes: Map<string, string[]>,
  issue: (field: string, code: string, messageKey: string, params?: Record<string, string | number>) => void,
): Record<string, string> {
  const extras: Record<string, string> = {};
  const codes = [...attributes.keys()].filter((code) => !KNOWN_ATTRIBUTES.has(code));
  if (codes.length > EXTRA_ATTRIBUTES_MAX) issue('attribute', 'too_big', 'open311.attributes_too_many', { max: EXTRA_ATTRIBUTES_MAX });
  for (const code of codes.slice(0, EXTRA_ATTRIBUTES_MAX)) {
    const field = `attribute[${code}]`;
    const value = attributes.get(code)!.join(', ');
    if (code.length > EXTRA_KEY_MAX || !isStorableText(code)) issue(field, 'invalid', 'open311.attribute_name_invalid', { max: EXTRA_KEY_MAX });
    else if (!isStorableText(value)) issue(field, 'invalid', UNSTORABLE_MESSAGE);
    else if (value.length > EXTRA_VALUE_MAX) issue(field, 'too_big', 'open311.field_too_long', { field, max: EXTRA_VALUE_MAX });
    else extras[code] = value;
  }
  return extras;
}

/** Chinese names are family name first (张 + 三 = 张三); others "first last". */
function fullName(first: string | undefined, last: string | undefined): string | undefined {
  const parts = [first?.trim(), last?.trim()].filter((p): p is string => Boolean(p));
  if (parts.length === 0) return undefined;
  if (/[\u3400-\u9fff]/.test(parts.join(''))) return [last?.trim(), first?.trim()].filter(Boolean).join('');
  return parts.join(' ');
}
