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
    // The deadline sweep's digest (alert_digest): one line per alert.
    items: [
      {
        kind: 'red',
        caseId: '0b6f3c1e-2f4a-4c55-9a8e-3d1f6b2a7c90',
        trackingCode: 'K7M2QX9PRT',
        clock: 'priority',
        dueAt: '2026-02-13T02:00:00.000Z',
        station: '天津站',
        department: '执法一科',
        priority: 'red',
        owner: '刘主任',
      },
      {
        kind: 'escalation',
        caseId: '5a2d8e47-1c3b-4f6a-8b9d-0e7c2f4a1b36',
        trackingCode: 'ABCDE23456',
        clock: 'reply',
        dueAt: '2026-03-05T16:00:00.000Z',
        station: '天津南站',
        department: '',
        priority: 'normal',
        owner: '',
      },
      {
        kind: 'warning',
        caseId: '9c4e1a7b-3d2f-4e8a-b5c6-7f0d1e2a3b48',
        trackingCode: 'K7M2QX9PRT',
        clock: 'ack',
        dueAt: '2026-02-13T11:00:00.000Z',
        station: '天津站',
        department: '执法一科',
        priority: 'normal',
        owner: '',
      },
    ],
    ...overrides,
  };
}
