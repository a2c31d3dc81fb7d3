import type { Config } from '../../config.ts';
import type { Ctx } from '../../context.ts';
import { resendEmail } from '../../providers/resend.ts';
import { twilioSms } from '../../providers/twilio.ts';
import { type EmailProvider, localEmail, localSms, type SendResult, type SmsProvider, type TimeoutSignal, wallClockTimeout } from '../../providers/types.ts';
import { deliverCallback } from '../feed12345/callback.ts';

export interface Providers {
  sms: SmsProvider;
  email: EmailProvider;
  callback: (ctx: Ctx, row: { recipient: string; payload: Record<string, unknown>; idempotencyKey: string }) => Promise<SendResult>;
}

/**
 * Real providers where credentials are configured, the local recorder where
 * not. Every call is bounded by PROVIDER_TIMEOUT_MS; tests hand in `timeout`
 * to decide themselves when a hanging provider has taken too long.
 */
export function providersFor(config: Config, options: { fetch?: typeof fetch; timeout?: TimeoutSignal } = {}): Providers {
  const fetchImpl = options.fetch ?? fetch;
  const timeout = options.timeout ?? wallClockTimeout;
  const timeoutMs = config.providerTimeoutMs;
  return {
    sms: config.twilio ? twilioSms({ ...config.twilio, timeoutMs }, fetchImpl, timeout) : localSms,
    email: config.resend ? resendEmail({ ...config.resend, timeoutMs }, timeout) : localEmail,
    callback: (ctx, row) => deliverCallback(ctx, row, fetchImpl, { timeout }),
  };
}
