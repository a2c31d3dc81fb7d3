/** The languages a caller reads: the office's own first, English second. */
export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** One text in both languages. */
export type Bilingual = Record<Lang, string>;
