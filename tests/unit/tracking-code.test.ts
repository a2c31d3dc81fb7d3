import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, CODE_BITS, formatTrackingCode, newTrackingCode, normalizeTrackingCode } from '../../api/domain/cases/tracking-code.ts';

describe('tracking codes', () => {
  it('carry at least 40 bits from an alphabet without look-alikes', () => {
    expect(CODE_BITS).toBeGreaterThanOrEqual(40);
    for (const ch of '0O1IL') expect(CODE_ALPHABET).not.toContain(ch);
    expect(new Set(CODE_ALPHABET).size).toBe(CODE_ALPHABET.length);
  });

  it('draw every symbol about equally often', () => {
    const counts = new Map<string, number>();
    const n = 4000;
    for (let i = 0; i < n; i++) for (const ch of newTrackingCode()) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    const expected = (n * 10) / CODE_ALPHABET.length;
    expect(counts.size).toBe(CODE_ALPHABET.length);
    for (const c of counts.values()) expect(Math.abs(c - expected) / expected).toBeLessThan(0.15);
  });

  it('never repeat across many draws (fresh random bytes for each)', () => {
    const codes = new Set<string>();
    for (let i = 0; i < 20_000; i++) codes.add(newTrackingCode());
    expect(codes.size).toBe(20_000);
  });

  it('skip the bytes that would bias the draw', () => {
    // 248..255 would favour the first eight symbols; a source of only those must not be used.
    let calls = 0;
    const code = newTrackingCode((b) => {
      calls++;
      b.fill(calls === 1 ? 250 : 3);
      return b;
    });
    expect(code).toBe(CODE_ALPHABET[3]!.repeat(10));
    expect(calls).toBe(2);
  });

  it('read back what people type', () => {
    expect(normalizeTrackingCode('k7m2q-x9prt')).toBe('K7M2QX9PRT');
    expect(normalizeTrackingCode(' K7M2Q X9PRT ')).toBe('K7M2QX9PRT');
    expect(normalizeTrackingCode('K7M2QX9PR0')).toBeUndefined();
    expect(normalizeTrackingCode('K7M2QX9PR')).toBeUndefined();
    expect(formatTrackingCode('K7M2QX9PRT')).toBe('K7M2Q-X9PRT');
  });
});
