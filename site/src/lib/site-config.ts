/**
 * The site's few settings, read from the runtime's environment (process.env on
 * Node, the Worker's vars). Each is optional: a setting left unset is simply not
 * shown, never replaced by a sample a traveler might dial.
 *
 * HOTLINE_PHONE       the office's own 24-hour line, as printed (unset: no
 *                     line is shown; 12345 is always named)
 * HOTLINE_SMS_NUMBER  where citizens text "查询 CODE" (default: TWILIO_FROM,
 *                     else the page says to reply to the confirmation text)
 */
export interface SiteConfig {
  /** The office's line as printed, or undefined when HOTLINE_PHONE is unset. */
  hotlinePhone: string | undefined;
  smsNumber: string | undefined;
}

function text(env: Record<string, unknown>, name: string): string | undefined {
  const v = env[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

export function siteConfig(env: Record<string, unknown> | undefined): SiteConfig {
  const source = env ?? {};
  return {
    hotlinePhone: text(source, 'HOTLINE_PHONE'),
    smsNumber: text(source, 'HOTLINE_SMS_NUMBER') ?? text(source, 'TWILIO_FROM'),
  };
}

/** A tel: link target from a printed number ("022-2345 6789" → "tel:02223456789"): digits and + only, nothing guessed. */
export function telHref(printed: string): string {
  return `tel:${printed.replace(/[^\d+]/g, '')}`;
}
