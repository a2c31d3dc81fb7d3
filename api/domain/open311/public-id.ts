/**
 * The id Open311 publishes for a case (service_request_id): the random UUID
 * the database gives every case (`cases.public_id`), unrelated to its tracking
 * code. The tracking code is half of the status-lookup secret (code + the last
 * four digits of the phone), so it never appears where a stranger can read it,
 * and a tracking code offered as an id finds nothing.
 */
const PUBLIC_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The id in its stored form (lower case), or undefined when it cannot be one: such an id matches nothing. */
export function normalizePublicId(raw: string): string | undefined {
  const id = raw.trim().toLowerCase();
  return PUBLIC_ID.test(id) ? id : undefined;
}
