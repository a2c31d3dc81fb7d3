import type { LoadRequest } from './load.ts';

/** A random mainland mobile: 139 + 8 digits (always valid for libphonenumber's CN metadata). */
export function randomPhone(): string {
  return `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

/** Valid station/location pairs of the seeded reference data (db/seed/reference.ts). */
const PLACES = [
  { station: 'TJ', location: 'front_square' },
  { station: 'TJN', location: 'taxi_dispatch' },
  { station: 'BJN', location: 'north_square' },
  { station: 'TJ', location: undefined },
];
const CATEGORIES = ['touting', 'illegal_taxi', 'peddling', 'parking', 'sanitation', 'facilities'];
const KINDS = ['complaint', 'report', 'consult', 'help', 'suggestion'];
const DESCRIPTIONS = [
  '前广场出站口有人拉客，要价很高，请派人处理。',
  '出租车调度站排队秩序混乱，有车辆不打表。',
  '北广场地面有积水，老人通行不便。',
  'Someone is selling counterfeit tickets near the exit, around 9 pm every evening.',
];

export interface IntakeFixture {
  request: LoadRequest;
  phone: string;
}

/** A valid JSON intake (POST /api/cases) with a fresh random phone. */
export function intakeRequest(i: number): IntakeFixture {
  const place = PLACES[i % PLACES.length]!;
  const phone = randomPhone();
  const body = {
    station: place.station,
    ...(place.location ? { location: place.location } : {}),
    kind: KINDS[i % KINDS.length],
    category: CATEGORIES[i % CATEGORIES.length],
    description: DESCRIPTIONS[i % DESCRIPTIONS.length],
    phone,
  };
  return {
    phone,
    request: {
      method: 'POST',
      path: '/api/cases',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    },
  };
}

/** A case the lookup bench may ask about. */
export interface KnownCase {
  trackingCode: string;
  phone4: string;
}

export function lookupRequest(known: KnownCase): LoadRequest {
  return { method: 'GET', path: `/api/cases/${known.trackingCode}?phone4=${known.phone4}` };
}
