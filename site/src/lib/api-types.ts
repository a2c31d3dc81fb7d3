/**
 * The wire shapes the site reads, written from the API's OpenAPI document
 * (GET /api/openapi.json). The site never imports api/ or db/: it is a client
 * of the contract, and these types are its reading of it.
 */
import type { CaseKind, CaseStatus, Channel, Priority, StaffRole } from '@contract';

export interface Named {
  code: string;
  name: string;
}

export interface Meta {
  stations: Named[];
  kinds: Named[];
  categories: Array<Named & { defaultPriority: Priority }>;
  locations: Array<Named & { station: string }>;
}

export interface CreatedCase {
  trackingCode: string;
  status: CaseStatus;
  replyDueAt: string;
}

export interface PublicCase {
  trackingCode: string;
  status: CaseStatus;
  kind: CaseKind;
  station: Named | null;
  category: Named | null;
  location: Named | null;
  createdAt: string;
  replyDueAt: string;
  closedAt: string | null;
  reply: { text: string; at: string } | null;
  timeline: Array<{ type: string; at: string; text?: string; newDueAt?: string; mergedInto?: string; reason?: string }>;
  /** Present once the evaluation endpoint exists: may the citizen rate the current reply? */
  canEvaluate?: boolean;
}

export interface StaffIdentity {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  departmentId: number | null;
}

export interface StaffSession {
  staff: StaffIdentity;
  csrfToken: string;
  expiresAt?: string;
}

export interface QueueItem {
  id: string;
  trackingCode: string;
  status: CaseStatus;
  priority: Priority;
  kind: CaseKind;
  channel: Channel;
  station: string | null;
  category: Named | null;
  leadDepartment: Named | null;
  receivedAt: string;
  nextDueAt: string | null;
  replyDueAt: string;
  overdue: boolean;
  version: number;
  summary: string;
}

export interface QueuePage {
  items: QueueItem[];
  nextCursor: string | null;
}

export interface QueueCounts {
  new: number;
  assigned: number;
  inProgress: number;
  replied: number;
  overdue: number;
  dueSoon: number;
  red: number;
  flagged?: number;
  pendingExtensions: number;
}

export interface CaseDetail {
  id: string;
  trackingCode: string;
  version: number;
  status: CaseStatus;
  channel: Channel;
  externalRef: string | null;
  kind: CaseKind;
  priority: Priority;
  priorityOwner: string | null;
  station: Named | null;
  category: Named | null;
  suggestedDepartment: Named | null;
  location: Named | null;
  description: string;
  reporter: { phone: string | null; email: string | null; name: string | null; masked: true };
  lang: string;
  leadDepartment: Named | null;
  coDepartments: Named[];
  mergedInto: string | null;
  returnReason: string | null;
  receivedAt: string;
  ackDueAt: string;
  contactDueAt: string;
  replyDueAt: string;
  nextDueAt: string | null;
  acknowledgedAt: string | null;
  contactedAt: string | null;
  repliedAt: string | null;
  closedAt: string | null;
  replyText: string | null;
  extensionCount: number;
  reopenCount: number;
  overdue: boolean;
  extensions: Array<{
    id: number;
    status: 'pending' | 'approved' | 'refused';
    reason: string;
    requestedDueAt: string;
    previousDueAt: string;
    createdAt: string;
    decidedAt: string | null;
    decisionNote: string | null;
  }>;
  timeline: Array<{
    id: number;
    type: string;
    at: string;
    actor: { type: string; id: string | null; name: string | null };
    isPublic: boolean;
    data: Record<string, unknown>;
  }>;
}

export interface RevealedContact {
  phone: string | null;
  email: string | null;
  name: string | null;
}

/** GET /api/stats: rates in percent (null when nothing to divide by), times in seconds. */
export interface StatsTime {
  count: number;
  median: number | null;
  p90: number | null;
}

export interface StatsFigures {
  received: number;
  returned: number;
  closed: number;
  closedOnTime: number;
  assigned: number;
  acknowledgedOnTime: number;
  evaluated: number;
  resolved: number;
  satisfied: number;
  rates: { closure: number | null; onTimeClosure: number | null; response: number | null; resolution: number | null; satisfaction: number | null };
  times: { ack: StatsTime; contact: StatsTime; reply: StatsTime; close: StatsTime };
}

export interface StatsGroup extends StatsFigures {
  key: string;
  name: string;
  fewEvaluations: boolean;
  rank: number | null;
}

export interface Stats {
  from: string;
  to: string;
  station: Named | null;
  groupBy: string | null;
  generatedAt: string;
  pendingCases: number;
  totals: StatsFigures;
  groups: StatsGroup[];
  rankedBy: 'satisfaction' | null;
  minEvaluationsToRank: number;
  topProblems: {
    month: string;
    from: string;
    to: string;
    previousFrom: string;
    previousTo: string;
    items: Array<{ category: Named; location: Named; count: number; previousCount: number; change: number }>;
  };
  definitions: Array<{ key: string; name: string; text: string }>;
}
