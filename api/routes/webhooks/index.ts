import { createWebhookRouter } from '../routers.ts';
import { registerResendRoutes } from './resend.ts';
import { registerTwilioRoutes } from './twilio.ts';

/** The message providers' callbacks, each route checking its provider's own signature. */
export function webhookRoutes() {
  const router = createWebhookRouter();
  registerTwilioRoutes(router);
  registerResendRoutes(router);
  return router;
}
