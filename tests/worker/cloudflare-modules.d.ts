/**
 * Just the parts of the `cloudflare:*` modules the worker tests use, typed with
 * the importable @cloudflare/workers-types. The full declarations
 * (@cloudflare/vitest-plugin/types) need the Workers globals, which clash with
 * the DOM and Node globals the root tsconfig gives every other file.
 */
declare module 'cloudflare:test' {
  import type { ExecutionContext, MessageBatch, ScheduledController } from '@cloudflare/workers-types';
  export function createExecutionContext(): ExecutionContext;
  export function waitOnExecutionContext(ctx: ExecutionContext): Promise<void>;
  export function createScheduledController(options?: { scheduledTime?: Date | number; cron?: string }): ScheduledController;
  export function createMessageBatch<Body = unknown>(queueName: string, messages: { id: string; timestamp: Date | number; attempts: number; body: Body }[]): MessageBatch<Body>;
  export function getQueueResult(batch: MessageBatch, ctx: ExecutionContext): Promise<{ explicitAcks: string[]; retryMessages: { msgId: string }[]; ackAll: boolean }>;
}

declare module 'cloudflare:workers' {
  export const env: Record<string, unknown>;
  export const exports: { default: { fetch(request: Request): Promise<Response> } };
}
