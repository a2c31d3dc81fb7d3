import { describe, expect, it } from 'vitest';
import { features, rankBySimilarity, similarity, textSimilarity } from '../../api/domain/duplicates/similar.ts';

/* Duplicate candidates on Chinese text (#17): paraphrases, number plates, word order, shared common characters. */
const at = (description: string, over: { categoryId?: number; locationId?: number | null; receivedAt?: string } = {}) => ({
  description,
  categoryId: over.categoryId ?? 1,
  locationId: over.locationId === undefined ? 10 : over.locationId,
  receivedAt: new Date(over.receivedAt ?? '2026-05-20T10:00:00+08:00'),
});
const text = (a: string, b: string) => textSimilarity(features(a), features(b));

describe('text similarity on Chinese', () => {
  it('normalizes: full-width forms, case, punctuation and spaces do not matter', () => {
    expect(text('出站口有人拉客！！', '出站口 有人拉客。')).toBe(1);
    expect(text('ＡＢＣ出口拉客', 'abc出口拉客')).toBe(1);
  });

  it('ranks a paraphrase above an unrelated complaint at the same place', () => {
    const target = '出站口有人拉客，说坐他的车去市区只要五十块';
    const paraphrase = '出站口那边有拉客的人，说五十块送到市区';
    const unrelated = '出站口旁边的厕所很脏，没有人打扫';
    expect(text(target, paraphrase)).toBeGreaterThan(text(target, unrelated) + 0.2);
    const ranked = rankBySimilarity(at(target), [at(unrelated), at(paraphrase)]);
    expect(ranked.map((r) => r.description)).toEqual([paraphrase, unrelated]);
  });

  it('ranks the same words in a different order high', () => {
    const a = '电梯坏了，北广场二号电梯停运三天了';
    const b = '北广场二号电梯停运三天了，电梯坏了';
    expect(text(a, b)).toBeGreaterThan(0.85);
    expect(text('行李寄存处收费太贵', '收费太贵，行李寄存处')).toBeGreaterThan(0.8);
  });

  it('takes number plates as whole tokens, however written, and ranks the same plate high', () => {
    expect([...features('车牌津a12345的司机在拉客').plates]).toEqual(['津A12345']);
    expect([...features('京B·8K2Q1 又来了').plates]).toEqual(['京B8K2Q1']);
    expect([...features('京Ｂ ８Ｋ２Ｑ１ 又来了').plates]).toEqual(['京B8K2Q1']);
    const target = at('车牌津A12345的黑车司机在出站口拉客');
    const sameCar = at('在出站口拉客的是津A·12345，开一辆白色轿车');
    const otherPlate = at('车牌津A67890的黑车司机在出站口拉客');
    const s = similarity(target, sameCar);
    expect(s.sharedPlates).toEqual(['津A12345']);
    expect(s.score).toBeGreaterThan(0.7);
    // Word for word the same but another car: the plate decides.
    expect(similarity(target, otherPlate).sharedPlates).toEqual([]);
    expect(rankBySimilarity(target, [otherPlate, sameCar])[0]!.description).toBe(sameCar.description);
  });

  it('ranks an unrelated text with a few shared common characters low', () => {
    const target = '售票窗口工作人员态度很差，对旅客大声呵斥';
    const unrelated = '我的手机在候车室丢了，有人捡到吗';
    expect(text(target, unrelated)).toBeLessThan(0.1);
    // Same category and place give it no more than their bonus.
    expect(similarity(at(target), at(unrelated)).score).toBeLessThanOrEqual(0.3);
  });

  it('compares short texts character by character as well', () => {
    expect(text('拉客', '有人拉客')).toBeGreaterThan(0.5);
    expect(text('厕所脏', '拉客')).toBe(0);
  });

  it('gives the same place and the same category a bonus, and keeps the score within 0..1', () => {
    const target = at('出站口有人拉客', { categoryId: 1, locationId: 10 });
    const there = similarity(target, at('出站口有人拉客', { categoryId: 1, locationId: 10 }));
    const elsewhere = similarity(target, at('出站口有人拉客', { categoryId: 2, locationId: 11 }));
    expect(there).toMatchObject({ score: 1, samePlace: true });
    expect(elsewhere).toMatchObject({ score: 1, samePlace: false });
    const weaker = at('出站口有人拉客，还跟着旅客走到停车场', { categoryId: 1, locationId: 10 });
    const far = at('出站口有人拉客，还跟着旅客走到停车场', { categoryId: 1, locationId: null });
    expect(similarity(target, weaker).score).toBeGreaterThan(similarity(target, far).score);
    // The same score: the same place first, then the earlier case.
    const early = at('厕所没有纸', { locationId: 11, receivedAt: '2026-05-18T10:00:00+08:00' });
    const late = at('厕所没有纸', { locationId: 11, receivedAt: '2026-05-19T10:00:00+08:00' });
    expect(rankBySimilarity(at('厕所没有纸', { locationId: 11 }), [late, early]).map((r) => r.receivedAt)).toEqual([early.receivedAt, late.receivedAt]);
  });
});
