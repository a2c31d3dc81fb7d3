import { randomUUID } from 'node:crypto';
import { type FakeAnswer, startHttpFake } from './http-fake.ts';

/**
 * A local stand-in for Twilio's Messages API that speaks its wire format:
 * Basic auth with the account SID and auth token, a form-encoded body, JSON
 * message resources back, and the list resource with Twilio's own filters
 * (To, From, DateSent, DateSent<, DateSent>) and paging shape.
 *
 * Strict where Twilio is: every accepted POST is a message, however often the
 * same one arrives (Twilio's Messages API ignores I-Twilio-Idempotency-Token,
 * a header Twilio only sets on its own webhooks). A message is created
 * `queued` with no date_sent; it gets one when Twilio sends it, at once
 * unless the queue is held. Told to, the fake fails ambiguously: it takes and
 * keeps the message, then drops the connection, never answers, or answers 5xx.
 */
export type AmbiguousFault = 'reset' | 'hang' | 500 | 502 | 503;

export interface FakeTwilioMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback: string;
  status: 'queued' | 'sent';
  dateCreated: Date;
  dateSent: Date | null;
}

const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function startFakeTwilio(accountSid: string, authToken: string, options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  const store: FakeTwilioMessage[] = [];
  const faults: AmbiguousFault[] = [];
  let randomFault: { rate: number; random: () => number; fault: () => AmbiguousFault } | undefined;
  let held = false;
  const path = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;

  const resource = (m: FakeTwilioMessage) => ({
    account_sid: accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: rfc2822(m.dateCreated),
    date_updated: rfc2822(m.dateSent ?? m.dateCreated),
    date_sent: m.dateSent ? rfc2822(m.dateSent) : null,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: m.from,
    messaging_service_sid: null,
    num_media: '0',
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}/Media.json` },
    to: m.to,
    uri: `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}.json`,
  });

  const create = (form: URLSearchParams): FakeAnswer => {
    if (!form.get('To') || !form.get('Body') || !form.get('From')) return { status: 400, body: { code: 21604, message: 'A To, From and Body are required', status: 400 } };
    if (form.get('To') === '+8613800000400') return { status: 400, body: { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 } };
    const message: FakeTwilioMessage = {
      sid: `SM${randomUUID().replace(/-/g, '')}`,
      to: form.get('To')!,
      from: form.get('From')!,
      body: form.get('Body')!,
      statusCallback: form.get('StatusCallback') ?? '',
      status: 'queued',
      dateCreated: now(),
      dateSent: null,
    };
    store.push(message);
    const answer = resource(message);
    if (!held) Object.assign(message, { status: 'sent', dateSent: now() });
    const fault = faults.shift() ?? (randomFault && randomFault.random() < randomFault.rate ? randomFault.fault() : undefined);
    if (fault === 'reset' || fault === 'hang') return fault;
    if (fault) return { status: fault, body: { code: 20500, message: 'An internal server error has occurred', status: fault } };
    return { status: 201, body: answer };
  };

  const list = (query: URLSearchParams): FakeAnswer => {
    const bound = (v: string) => (DAY.test(v) ? Date.parse(`${v}T00:00:00Z`) : Date.parse(v));
    let found = store.filter((m) => {
      if (query.has('To') && m.to !== query.get('To')) return false;
      if (query.has('From') && m.from !== query.get('From')) return false;
      const sent = m.dateSent?.getTime();
      // The date filters read date_sent: a message not sent yet has none and never matches them.
      if (query.has('DateSent')) {
        const day = bound(query.get('DateSent')!);
        if (sent === undefined || sent < day || sent >= day + 86_400_000) return false;
      }
      if (query.has('DateSent>') && (sent === undefined || sent < bound(query.get('DateSent>')!))) return false;
      if (query.has('DateSent<') && (sent === undefined || sent > bound(query.get('DateSent<')!))) return false;
      return true;
    });
    // Newest first by date_sent (Twilio's documented order); unsent ones, the newest of all, lead.
    found = found.sort((a, b) => (b.dateSent?.getTime() ?? Infinity) - (a.dateSent?.getTime() ?? Infinity) || b.dateCreated.getTime() - a.dateCreated.getTime());
    const pageSize = Math.min(1000, Math.max(1, Number(query.get('PageSize') ?? 50)));
    const page = Number(query.get('Page') ?? 0);
    const token = query.get('PageToken');
    const start = token ? found.findIndex((m) => `PA${m.sid}` === token) + 1 : 0;
    const items = found.slice(start, start + pageSize);
    const filters = new URLSearchParams([...query].filter(([k]) => !['Page', 'PageSize', 'PageToken'].includes(k)));
    const uri = (p: number, t?: string) => `${path}?${filters}${filters.size ? '&' : ''}PageSize=${pageSize}&Page=${p}${t ? `&PageToken=${t}` : ''}`;
    const more = start + pageSize < found.length;
    return {
      status: 200,
      body: {
        first_page_uri: uri(0),
        end: start + items.length - 1,
        previous_page_uri: page > 0 ? uri(page - 1) : null,
        messages: items.map(resource),
        uri: uri(page, token ?? undefined),
        page_size: pageSize,
        start,
        next_page_uri: more ? uri(page + 1, `PA${items.at(-1)!.sid}`) : null,
        page,
      },
    };
  };

  // The account resource (GET, read-only): what `npm run doctor` fetches to check the credentials. Like Twilio's, it carries the auth token.
  const accountPath = `/2010-04-01/Accounts/${accountSid}.json`;
  const account = () => ({
    auth_token: authToken,
    date_created: rfc2822(new Date('2026-01-05T08:00:00Z')),
    date_updated: rfc2822(new Date('2026-01-05T08:00:00Z')),
    friendly_name: 'Station office',
    owner_account_sid: accountSid,
    sid: accountSid,
    status: 'active',
    subresource_uris: { messages: path },
    type: 'Full',
    uri: accountPath,
  });

  const fake = await startHttpFake((req) => {
    const url = new URL(req.path, 'http://fake');
    if (url.pathname === accountPath && req.method === 'GET') {
      return req.headers.authorization === expectedAuth
        ? { status: 200, body: account() }
        : { status: 401, body: { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 } };
    }
    if (url.pathname !== path) return { status: 404, body: { code: 20404, message: 'The requested resource was not found', status: 404 } };
    if (req.headers.authorization !== expectedAuth) return { status: 401, body: { code: 20003, message: 'Authenticate', status: 401 } };
    if (req.method === 'POST') return create(new URLSearchParams(req.body));
    if (req.method === 'GET') return list(url.searchParams);
    return { status: 405, body: { code: 20004, message: 'Method not allowed', status: 405 } };
  });

  return {
    ...fake,
    /** Every message Twilio took (and so will deliver), in order, as the tests read them. */
    messages: () =>
      store.map((m) => ({ sid: m.sid, To: m.to, From: m.from, Body: m.body, StatusCallback: m.statusCallback, status: m.status, dateCreated: m.dateCreated, dateSent: m.dateSent })),
    /** Messages received (without deduplication: that is the point); the bench reads it. */
    uniqueSent: () => store.length,
    /** The next accepted messages are kept, then the answer goes wrong in these ways, in order. */
    failAfterAccepting(...next: AmbiguousFault[]) {
      faults.push(...next);
    },
    /** From now on, each accepted message fails ambiguously with this probability (a seeded `random` keeps a test repeatable). */
    failAfterAcceptingAtRate(rate: number, random: () => number, fault: () => AmbiguousFault = () => 'reset') {
      randomFault = rate > 0 ? { rate, random, fault } : undefined;
    },
    /** Hold new messages in the queue (no date_sent) until `release`: Twilio under a sending-rate limit. */
    hold() {
      held = true;
    },
    release() {
      held = false;
      for (const m of store) if (m.status === 'queued') Object.assign(m, { status: 'sent', dateSent: now() });
    },
  };
}
