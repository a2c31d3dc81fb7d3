import { retryableStatus, type SendResult, type SmsMessage, type SmsProvider } from './types.ts';

/**
 * Twilio's Messages API over fetch (the twilio package needs Node's crypto and
 * http, which workerd lacks). Twilio honours `I-Twilio-Idempotency-Token`, so a
 * retried request for the same outbox row does not send twice.
 */
export function twilioSms(
  config: { accountSid: string; authToken: string; from: string; apiBaseUrl: string },
  fetchImpl: typeof fetch = fetch,
): SmsProvider {
  const url = `${config.apiBaseUrl}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
  const auth = `Basic ${btoa(`${config.accountSid}:${config.authToken}`)}`;
  return {
    name: 'twilio',
    async send(m: SmsMessage): Promise<SendResult> {
      const form = new URLSearchParams({ To: m.to, From: config.from, Body: m.body });
      if (m.statusCallback) form.set('StatusCallback', m.statusCallback);
      let res: Response;
      try {
        res = await fetchImpl(url, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', 'i-twilio-idempotency-token': m.idempotencyKey },
          body: form,
          signal: AbortSignal.timeout(10_000),
        });
      } catch (err) {
        return { ok: false, retryable: true, error: `twilio: ${(err as Error).message}` };
      }
      const body = (await res.json().catch(() => ({}))) as { sid?: string; message?: string; code?: number };
      if (res.ok && body.sid) return { ok: true, providerMessageId: body.sid };
      return { ok: false, retryable: retryableStatus(res.status), error: `twilio ${res.status}: ${body.code ?? ''} ${body.message ?? ''}`.trim() };
    },
  };
}
