/**
 * The provider settings the Worker runs with in the worker tests: bound by
 * vitest.config.ts, used by global-setup.ts to sign requests as Twilio and the
 * 12345 platform would. Read by Node only (the test file gets them from env).
 */
export const WORKER_TEST_ENV = {
  PUBLIC_BASE_URL: 'https://hotline.test',
  TWILIO_AUTH_TOKEN: 'worker-test-twilio-token',
  FEED_12345_SECRET: 'worker-test-12345-secret',
} as const;
