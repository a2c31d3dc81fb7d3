import { scryptAsync } from '@noble/hashes/scrypt.js';
import { constantTimeEqual } from './constant-time.ts';

/**
 * Staff password hashing: scrypt at N=2^13, r=8, p=10 — one of the equivalent
 * settings OWASP's Password Storage Cheat Sheet lists for scrypt, the one with
 * the least memory (8 MiB per hash instead of 128 MiB at N=2^17, r=8, p=1).
 * A Worker isolate has 128 MB, and a burst of sign-ins must not take a server's
 * memory with it.
 *
 * Why not PBKDF2-HMAC-SHA256 at OWASP's 600,000 iterations through WebCrypto:
 * Cloudflare's production runtime refuses PBKDF2 above 100,000 iterations
 * (workerd issue #1346; open-source workerd has no cap, so a local test cannot
 * show it). A hash that production cannot verify would lock everyone out.
 *
 * The parameters are stored in each hash (`$scrypt$ln=13,r=8,p=10$salt$key`),
 * so older hashes (ln=17, r=8, p=1) still verify and are replaced at the next
 * successful sign-in (see needsRehash).
 */
export interface ScryptParams {
  ln: number;
  r: number;
  p: number;
}

export const CURRENT_PARAMS: ScryptParams = { ln: 13, r: 8, p: 10 };
const KEY_LEN = 32;
/** Anything beyond this is not a hash we wrote: refuse it rather than spend a gigabyte on it. */
const MAX_MEMORY = 2 ** 28;

export async function hashPassword(password: string, params: ScryptParams = CURRENT_PARAMS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await derive(password, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return constantTimeEqual(key, parsed.key);
}

/** True when a hash was made with other parameters than today's: rehash it after a successful sign-in. */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  const { ln, r, p } = parsed.params;
  return ln !== CURRENT_PARAMS.ln || r !== CURRENT_PARAMS.r || p !== CURRENT_PARAMS.p;
}

/**
 * A hash of nothing in particular, at today's parameters, verified against when
 * the account does not exist, so that the work (and the time) does not tell.
 */
export const DUMMY_HASH = `$scrypt$ln=${CURRENT_PARAMS.ln},r=${CURRENT_PARAMS.r},p=${CURRENT_PARAMS.p}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;

export function parseHash(stored: string): { params: ScryptParams; salt: Uint8Array; key: Uint8Array } | undefined {
  const match = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!match) return undefined;
  const params = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (params.ln < 1 || params.r < 1 || params.p < 1 || memoryOf(params) > MAX_MEMORY) return undefined;
  try {
    return { params, salt: unb64(match[4]!), key: unb64(match[5]!) };
  } catch {
    return undefined;
  }
}

/** Bytes scrypt holds while hashing: the N·r table, plus the p blocks. */
export function memoryOf({ ln, r, p }: ScryptParams): number {
  return 128 * r * (2 ** ln + p + 2);
}

// ---------------------------------------------------------------------------
// At most a few hashes at once per process (or isolate). Further sign-ins wait
// in line instead of each taking its memory: a hash at today's parameters takes
// one slot, an old 128 MiB one takes them all and runs alone.

export const HASH_SLOTS = 4;
let free = HASH_SLOTS;
const waiting: Array<{ slots: number; start: () => void }> = [];

async function withSlots<T>(slots: number, fn: () => Promise<T>): Promise<T> {
  if (free >= slots && !waiting.length) free -= slots;
  else await new Promise<void>((start) => waiting.push({ slots, start }));
  try {
    return await fn();
  } finally {
    free += slots;
    // First come, first served: a big hash at the head waits for all slots rather than being overtaken forever.
    while (waiting.length && free >= waiting[0]!.slots) {
      const next = waiting.shift()!;
      free -= next.slots;
      next.start();
    }
  }
}

/** How many hashes are running and waiting now (for tests and the bench). */
export function hashingLoad() {
  return { running: HASH_SLOTS - free, waiting: waiting.length };
}

function derive(password: string, salt: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
  const slots = Math.min(HASH_SLOTS, Math.max(1, Math.ceil(memoryOf(params) / memoryOf(CURRENT_PARAMS))));
  return withSlots(slots, () => scrypt(new TextEncoder().encode(password.normalize('NFKC')), salt, params));
}

type NativeScrypt = (
  password: Uint8Array,
  salt: Uint8Array,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
  done: (error: Error | null, key: Uint8Array) => void,
) => void;

/**
 * The runtime's own scrypt when it has one (Node's node:crypto, workerd's with
 * nodejs_compat): native code, and on Node off the event loop, so other requests
 * go on while a sign-in hashes. Same algorithm, same bytes as the pure
 * JavaScript one from @noble/hashes, which stands in elsewhere.
 */
const native = (globalThis as { process?: { getBuiltinModule?: (id: string) => { scrypt?: NativeScrypt } | undefined } }).process?.getBuiltinModule?.('node:crypto')?.scrypt;

export function scrypt(password: Uint8Array, salt: Uint8Array, params: ScryptParams, useNative = Boolean(native)): Promise<Uint8Array> {
  const N = 2 ** params.ln;
  const maxmem = 2 * memoryOf(params);
  if (useNative && native) {
    return new Promise((resolve, reject) => native(password, salt, KEY_LEN, { N, r: params.r, p: params.p, maxmem }, (error, key) => (error ? reject(error) : resolve(new Uint8Array(key)))));
  }
  return scryptAsync(password, salt, { N, r: params.r, p: params.p, dkLen: KEY_LEN, maxmem });
}

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
