/**
 * Comparisons whose time does not depend on where two secrets differ (session
 * CSRF tokens, webhook signatures, password hashes, the four phone digits).
 */
export function constantTimeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  if (a.length !== b.length) return false;
  const at = (v: string | Uint8Array, i: number) => (typeof v === 'string' ? v.charCodeAt(i) : v[i]!);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= at(a, i) ^ at(b, i);
  return diff === 0;
}
