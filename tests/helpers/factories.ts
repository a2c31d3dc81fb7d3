import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { CreateCaseBody } from '../../api/routes/public/schemas.ts';
import { uniquePhone } from './app.ts';

type CaseBody = z.input<typeof CreateCaseBody>;

/** A valid filing with unique values, so tests find their own rows. */
export function makeCaseBody(overrides: Partial<CaseBody> = {}): CaseBody & { description: string; phone: string } {
  return {
    station: 'TJ',
    kind: 'complaint',
    category: 'illegal_taxi',
    location: 'front_square',
    description: `前广场出站口有人拉客 ${randomUUID()}`,
    phone: uniquePhone(),
    ...overrides,
  } as CaseBody & { description: string; phone: string };
}

export function json(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function form(body: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body).toString(),
  };
}
