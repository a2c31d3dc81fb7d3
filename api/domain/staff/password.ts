import { scryptAsync } from '@noble/hashes/scrypt.js';
import { constantTimeEqual } from '../../constant-time.ts';

/**
 * Password hashing with scrypt from @noble/hashes: audited, pure JavaScript, so
 * the same code runs on Node and in workerd (native argon2 bindings and
 * runtime-compiled WebAssembly do not run on Workers). Parameters follow
 * OWASP's scrypt guidance (N=2^17, r=8, p=1) and are stored in the hash, so
 * they can be raised later without breaking existing passwords.
 */
const PARAMS = { ln: 17, r: 8, p: 1 };
const KEY_LEN = 32;

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await derive(password, salt, PARAMS);
  return `$scrypt$ln=${PARAMS.ln},r=${PARAMS.r},p=${PARAMS.p}$${b64(salt)}$${b64(key)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([^$]+)\$([^$]+)$/.exec(stored);
  if (!match) return false;
  const [, ln, r, p, salt, hash] = match;
  const expected = unb64(hash!);
  const key = await derive(password, unb64(salt!), { ln: Number(ln), r: Number(r), p: Number(p) });
  return constantTimeEqual(key, expected);
}

/** A hash of nothing in particular, verified against when the account does not exist, so timing does not tell. */
export const DUMMY_HASH = '$scrypt$ln=17,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function derive(password: string, salt: Uint8Array, params: { ln: number; r: number; p: number }) {
  return scryptAsync(password.normalize('NFKC'), salt, {
    N: 2 ** params.ln,
    r: params.r,
    p: params.p,
    dkLen: KEY_LEN,
    maxmem: 2 ** (params.ln + 8) * params.r,
  });
}

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
