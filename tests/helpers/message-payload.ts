/** What the message templates read (api/domain/messages/templates.ts), with sample values; tests override what they need. */
export function messagePayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    trackingCode: 'K7M2QX9PRT',
    masterTrackingCode: 'ABCDE23456',
    replyDueAt: '2026-03-05T16:00:00.000Z',
    ackDueAt: '2026-02-13T11:00:00.000Z',
    dueAt: '2026-03-05T16:00:00.000Z',
    clock: 'reply',
    station: 'TJ',
    category: '拉客揽客',
    departmentName: '执法一科',
    owner: '刘主任',
    text: '已处理',
    ...overrides,
  };
}
