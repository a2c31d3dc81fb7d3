/**
 * The site's few settings, read from the runtime's environment (process.env on
 * Node, the Worker's vars), each with a laptop default.
 *
 * HOTLINE_PHONE       the office's own 24-hour line, as printed (default: a
 *                     sample number, labelled as a sample on the page)
 * HOTLINE_SMS_NUMBER  where citizens text "查询 CODE" (default: TWILIO_FROM,
 *                     else the page says to reply to the confirmation text)
 */
export interface SiteConfig {
  hotlinePhone: string;
  /** True when HOTLINE_PHONE is unset and the number shown is the sample. */
  hotlinePhoneIsSample: boolean;
  smsNumber: string | undefined;
}

export const SAMPLE_HOTLINE_PHONE = '022-0000 0000';

function text(env: Record<string, unknown>, name: string): string | undefined {
  const v = env[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

export function siteConfig(env: Record<string, unknown> | undefined): SiteConfig {
  const source = env ?? {};
  const phone = text(source, 'HOTLINE_PHONE');
  return {
    hotlinePhone: phone ?? SAMPLE_HOTLINE_PHONE,
    hotlinePhoneIsSample: phone === undefined,
    smsNumber: text(source, 'HOTLINE_SMS_NUMBER') ?? text(source, 'TWILIO_FROM'),
  };
}

/** A tel: link target from a printed number ("022-2345 6789" → "tel:+862223456789" is not guessed: digits only). */
export function telHref(printed: string): string {
  return `tel:${printed.replace(/[^\d+]/g, '')}`;
}
