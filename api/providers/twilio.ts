import {
  ambiguousStatus,
  errorName,
  type LookupResult,
  parseRetryAfter,
  retryableStatus,
  type SendResult,
  type SmsMessage,
  type SmsProvider,
  type TimeoutSignal,
  wallClockTimeout,
} from './types.ts';

/** Clock skew between us and Twilio, allowed for when looking up an earlier attempt. */
const LOOKUP_SLACK_MS = 15 * 60_000;
/** The most list pages one lookup reads (then one more query for unsent messages): a citizen's number gets a handful of messages a day from us. */
export const TWILIO_LOOKUP_MAX_PAGES = 10;
const MAX_PAGES = TWILIO_LOOKUP_MAX_PAGES;

interface ListedMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  status: string;
  direction?: string;
  date_created: string | null;
  date_sent: string | null;
}

/**
 * Twilio's Messages API over fetch (the twilio package needs Node's crypto and
 * http, which workerd lacks).
 *
 * Twilio does not deduplicate sends: `I-Twilio-Idempotency-Token` is a header
 * Twilio puts on the webhooks it sends, and its Messages API ignores it, so a
 * retried POST is a second SMS. After an attempt whose outcome is unknown, the
 * delivery job calls `find` before sending again.
 */
export function twilioSms(
  config: { accountSid: string; authToken: string; from: string; apiBaseUrl: string; timeoutMs: number },
  fetchImpl: typeof fetch = fetch,
  timeout: TimeoutSignal = wallClockTimeout,
): SmsProvider {
  const path = `/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
  const auth = `Basic ${btoa(`${config.accountSid}:${config.authToken}`)}`;

  async function list(url: string): Promise<{ ok: true; messages: ListedMessage[]; next: string | null } | { ok: false; error: string; retryAfterMs?: number }> {
    let res: Response;
    try {
      res = await fetchImpl(url, { headers: { authorization: auth, accept: 'application/json' }, signal: timeout(config.timeoutMs) });
    } catch (err) {
      return { ok: false, error: `twilio lookup: ${errorName(err)}` };
    }
    const body = (await res.json().catch(() => undefined)) as { messages?: ListedMessage[]; next_page_uri?: string | null; code?: number } | undefined;
    if (!res.ok || !body || !Array.isArray(body.messages)) {
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      return { ok: false, error: `twilio lookup ${res.status}: ${body?.code ?? ''}`.trim(), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    return { ok: true, messages: body.messages, next: body.next_page_uri ?? null };
  }

  return {
    name: 'twilio',
    async send(m: SmsMessage): Promise<SendResult> {
      const form = new URLSearchParams({ To: m.to, From: config.from, Body: m.body });
      if (m.statusCallback) form.set('StatusCallback', m.statusCallback);
      let res: Response;
      try {
        res = await fetchImpl(`${config.apiBaseUrl}${path}`, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
          body: form,
          signal: timeout(config.timeoutMs),
        });
      } catch (err) {
        // The request may have reached Twilio before the connection broke or the time ran out.
        return { ok: false, retryable: true, ambiguous: true, error: `twilio: ${errorName(err)}` };
      }
      const body = (await res.json().catch(() => ({}))) as { sid?: string; message?: string; code?: number };
      if (res.ok && body.sid) return { ok: true, providerMessageId: body.sid };
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      return {
        ok: false,
        retryable: res.ok || retryableStatus(res.status),
        // A 2xx without a sid, or a 5xx, may have come after Twilio accepted the message.
        ambiguous: res.ok || ambiguousStatus(res.status),
        error: `twilio ${res.status}: ${body.code ?? ''} ${body.message ?? ''}`.trim(),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      };
    },

    /**
     * Twilio's list filters are To, From and DateSent (a UTC date, with `>`/`<`
     * for on-or-after/on-or-before); nothing filters by creation time. A message
     * Twilio has sent carries date_sent and is found by the first query, read to
     * its last page. One it took but has not sent yet (queued, accepted,
     * scheduled, sending) has no date_sent, so the DateSent filter cannot see
     * it: a second query without a date reads the newest page for this number
     * and matches unsent messages by date_created.
     */
    async find({ to, body, since }): Promise<LookupResult> {
      const earliest = new Date(since.getTime() - LOOKUP_SLACK_MS);
      const day = earliest.toISOString().slice(0, 10);
      const matches = (msg: ListedMessage) => msg.to === to && msg.from === config.from && msg.body === body && msg.direction !== 'inbound';
      const base = `${config.apiBaseUrl}${path}?${new URLSearchParams({ To: to, From: config.from })}`;

      let url: string | null = `${base}&${new URLSearchParams({ 'DateSent>': day, PageSize: '100' })}`;
      for (let page = 0; url && page < MAX_PAGES; page++) {
        const listed = await list(url);
        if (!listed.ok) return listed;
        const hit = listed.messages.find(matches);
        if (hit) return { ok: true, providerMessageId: hit.sid };
        url = listed.next ? `${config.apiBaseUrl}${listed.next}` : null;
      }
      if (url) return { ok: false, error: `twilio lookup: more than ${MAX_PAGES} pages for one number` };

      const unsent = await list(`${base}&PageSize=100`);
      if (!unsent.ok) return unsent;
      const hit = unsent.messages.find((msg) => {
        if (msg.date_sent || !matches(msg)) return false;
        const created = msg.date_created ? Date.parse(msg.date_created) : Number.NaN;
        return !Number.isNaN(created) && created >= earliest.getTime();
      });
      return { ok: true, providerMessageId: hit?.sid ?? null };
    },
  };
}
