/**
 * How alike two complaints read, for the triage of duplicates. Chinese has no
 * spaces between words, so the text is compared as overlapping character pairs
 * (bigrams; single characters too when a text is short) under Dice's
 * coefficient: a paraphrase keeps most of its pairs (出站口, 拉客), a change of
 * word order keeps the pairs inside each word, and a text that only shares a
 * few common characters shares few pairs. Number plates (津A12345, 京B·8K2Q1)
 * are whole tokens: the same car named in two reports is strong evidence.
 * Pure: no database, no clock.
 */

export interface Comparable {
  description: string;
  categoryId: number;
  locationId: number | null;
}

/** What each piece of evidence adds to the text's similarity; the score is kept within 0..1. */
export const BONUS = { plate: 0.3, category: 0.1, place: 0.1 } as const;
/** The text's weight when both texts name number plates and none is shared. */
export const PLATE_MISMATCH = 0.5;

// Provinces' one-character names as plates print them; then the issuing letter and five or six characters.
const PLATE = /[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][·・•.\-\s]?[A-Z0-9]{5,6}(?![A-Z0-9])/gu;

// Function characters that pair with anything; left out so two texts do not look alike through them.
const FILLER = /[的了吗呢吧啊呀我你他她它是在有很都也就和与及被把这那个]/gu;

// Punctuation, symbols and spaces of every script (after NFKC, full-width forms are their ASCII selves).
const NOISE = /[\p{P}\p{S}\p{Z}\s]/gu;

/** Below this many characters a text is also compared character by character. */
const SHORT = 6;

export interface Features {
  plates: Set<string>;
  bigrams: Set<string>;
  /** Bigrams and single characters together, for a short text. */
  withChars: Set<string>;
  short: boolean;
}

/** NFKC, lower case, punctuation and spaces out; plates taken out first as whole tokens. */
export function features(text: string): Features {
  const upper = text.normalize('NFKC').toUpperCase();
  const plates = new Set<string>();
  const rest = upper.replace(PLATE, (plate) => {
    plates.add(plate.replace(/[^\p{L}\p{N}]/gu, ''));
    return ' ';
  });
  const chars = Array.from(rest.toLowerCase().replace(NOISE, '').replace(FILLER, ''));
  const bigrams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) bigrams.add(`${chars[i]}${chars[i + 1]}`);
  return { plates, bigrams, withChars: new Set([...bigrams, ...chars]), short: chars.length < SHORT };
}

function dice(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let shared = 0;
  for (const g of a) if (b.has(g)) shared++;
  return (2 * shared) / (a.size + b.size);
}

/** Dice over the texts' bigrams (with single characters when either is short), 0..1. */
export function textSimilarity(a: Features, b: Features): number {
  return a.short || b.short ? dice(a.withChars, b.withChars) : dice(a.bigrams, b.bigrams);
}

export interface Similarity {
  score: number;
  text: number;
  samePlace: boolean;
  sharedPlates: string[];
}

/** How likely `other` reports the same problem as `target`: the text, then the plate, category and place. */
export function similarity(target: Comparable, other: Comparable, cache = new Map<string, Features>()): Similarity {
  const f = (s: string) => cache.get(s) ?? cache.set(s, features(s)).get(s)!;
  const a = f(target.description);
  const b = f(other.description);
  const sharedPlates = [...a.plates].filter((p) => b.plates.has(p));
  // Both name a car and never the same one: two cars, however alike the words.
  const otherCars = a.plates.size > 0 && b.plates.size > 0 && !sharedPlates.length;
  const text = textSimilarity(a, b) * (otherCars ? PLATE_MISMATCH : 1);
  const samePlace = target.locationId !== null && target.locationId === other.locationId;
  const raw = text + (sharedPlates.length ? BONUS.plate : 0) + (target.categoryId === other.categoryId ? BONUS.category : 0) + (samePlace ? BONUS.place : 0);
  return { score: Math.round(Math.min(1, raw) * 100) / 100, text, samePlace, sharedPlates };
}

/** `others` ranked by similarity to `target`, best first (ties: the same place first, then the earlier case). */
export function rankBySimilarity<T extends Comparable & { receivedAt: Date }>(target: Comparable, others: T[], limit = 5): (T & { similarity: Similarity })[] {
  const cache = new Map<string, Features>();
  return others
    .map((o) => ({ ...o, similarity: similarity(target, o, cache) }))
    .sort(
      (x, y) =>
        y.similarity.score - x.similarity.score ||
        y.similarity.text - x.similarity.text ||
        Number(y.similarity.samePlace) - Number(x.similarity.samePlace) ||
        x.receivedAt.getTime() - y.receivedAt.getTime(),
    )
    .slice(0, limit);
}
