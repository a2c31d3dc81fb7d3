import { describe, expect, it } from 'vitest';
import { CURRENT_PARAMS, DUMMY_HASH, HASH_SLOTS, hashingLoad, hashPassword, memoryOf, needsRehash, parseHash, scrypt, verifyPassword } from '../../api/password.ts';

const OLD_PARAMS = { ln: 17, r: 8, p: 1 };

describe('password hashing', () => {
  it('stores today’s parameters with each hash, at a memory cost a Worker can carry', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^\$scrypt\$ln=13,r=8,p=10\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(parseHash(stored)!.params).toEqual(CURRENT_PARAMS);
    expect(memoryOf(CURRENT_PARAMS)).toBeLessThan(9 * 2 ** 20);
    // OWASP's scrypt settings trade memory for parallelism at equal cost: N·r·p stays at 2^13·8·10 or more.
    expect(2 ** CURRENT_PARAMS.ln * CURRENT_PARAMS.r * CURRENT_PARAMS.p).toBeGreaterThanOrEqual(2 ** 13 * 8 * 10);
    expect(needsRehash(stored)).toBe(false);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
    // Two hashes of one password differ (salted).
    expect(await hashPassword('correct horse battery')).not.toBe(stored);
  });

  it('still verifies hashes made with the old parameters, and asks for them to be replaced', async () => {
    const old = await hashPassword('station-demo', OLD_PARAMS);
    expect(old.startsWith('$scrypt$ln=17,r=8,p=1$')).toBe(true);
    expect(await verifyPassword('station-demo', old)).toBe(true);
    expect(await verifyPassword('station-dem0', old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
  });

  it('the unknown-account hash costs what a real one costs', () => {
    expect(parseHash(DUMMY_HASH)!.params).toEqual(CURRENT_PARAMS);
  });

  it('refuses stored values that are not its hashes, or would cost a fortune', async () => {
    for (const bad of ['', 'plain', '$scrypt$ln=30,r=8,p=1$AAAA$AAAA', '$scrypt$ln=13,r=8,p=0$AAAA$AAAA', '$scrypt$ln=13,r=8,p=10$!!$AAAA', '$scrypt$ln=13,r=8,p=10$A$AAAA']) {
      expect(parseHash(bad)).toBeUndefined();
      expect(await verifyPassword('x', bad)).toBe(false);
      expect(needsRehash(bad)).toBe(true);
    }
  });

  it('the native and the pure JavaScript scrypt give the same key (RFC 7914 vector)', async () => {
    const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    const enc = new TextEncoder();
    // RFC 7914 §12, "pleaseletmein"/"SodiumChloride", N=16384, r=8, p=1 (first 32 bytes).
    const expected = '7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2';
    const params = { ln: 14, r: 8, p: 1 };
    expect(hex(await scrypt(enc.encode('pleaseletmein'), enc.encode('SodiumChloride'), params, true))).toBe(expected);
    expect(hex(await scrypt(enc.encode('pleaseletmein'), enc.encode('SodiumChloride'), params, false))).toBe(expected);
  });

  it('hashes at most a few at once; the rest wait in line', async () => {
    const all = Promise.all(Array.from({ length: HASH_SLOTS + 2 }, () => hashPassword('x')));
    expect(hashingLoad()).toEqual({ running: HASH_SLOTS, waiting: 2 });
    const hashes = await all;
    expect(new Set(hashes).size).toBe(HASH_SLOTS + 2);
    expect(hashingLoad()).toEqual({ running: 0, waiting: 0 });
  });

  it('an old 128 MiB hash runs alone', async () => {
    const old = verifyPassword('x', await hashPassword('x', OLD_PARAMS));
    const current = hashPassword('y');
    // The old one holds every slot; today's waits behind it.
    expect(hashingLoad()).toEqual({ running: HASH_SLOTS, waiting: 1 });
    await Promise.all([old, current]);
  });
});
