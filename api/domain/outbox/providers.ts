import type { Config } from '../../config.ts';
import type { Ctx } from '../../context.ts';
import { resendEmail } from '../../providers/resend.ts';
import { twilioSms } from '../../providers/twilio.ts';
import { type EmailProvider, localEmail, localSms, type SendResult, type SmsProvider } from '../../providers/types.ts';
import { deliverCallback } from '../feed12345/callback.ts';

export interface Providers {
  sms: SmsProvider;
  email: EmailProvider;
  callback: (ctx: Ctx, row: { recipient: string; payload: Record<string, unknown>; idempotencyKey: string }) => Promise<SendResult>;
}

/** Real providers where credentials are configured, the local recorder where not. */
export function providersFor(config: Config, fetchImpl: typeof fetch = fetch): Providers {
  return {
    sms: config.twilio ? twilioSms(config.twilio, fetchImpl) : localSms,
    email: config.resend ? resendEmail(config.resend) : localEmail,
    callback: (ctx, row) => deliverCallback(ctx, row, fetchImpl),
  };
}
