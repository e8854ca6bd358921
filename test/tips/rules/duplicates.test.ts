import { expect } from 'chai';
import { similarity, suggestDuplicates, type RecentTip } from '../../../src/tips/rules/duplicates.js';
import { sh } from './helpers.js';

describe('tips/rules/duplicates', () => {
  describe('similarity', () => {
    it('is 1 for the same text, whatever spacing, punctuation or width', () => {
      expect(similarity('村口有人聚众赌博！', '村口 有人聚众赌博')).to.equal(1);
      expect(similarity('ＡＢＣ１２３', 'abc123')).to.equal(1);
    });

    it('is 0 for unrelated text and for empty text', () => {
      expect(similarity('邻居噪音扰民', '山上有人盗伐林木')).to.equal(0);
      expect(similarity('', '')).to.equal(0);
      expect(similarity('！！', '')).to.equal(0);
    });

    it('is high for a rewording and symmetric', () => {
      const a = '村口小卖部每天晚上有人聚众赌博';
      const b = '每天晚上村口小卖部都有人赌博';
      expect(similarity(a, b)).to.be.greaterThan(0.5);
      expect(similarity(a, b)).to.equal(similarity(b, a));
    });

    it('compares single characters as themselves', () => {
      expect(similarity('赌', '赌')).to.equal(1);
    });
  });

  describe('suggestDuplicates', () => {
    const base = {
      reporterHash: 'h1', category: 'security' as const, countyCode: '350404', townshipCode: '350404001',
      text: '村口小卖部每天晚上有人聚众赌博', receivedAt: sh('2025-06-20T10:00'),
    };
    const recent = (id: number, over: Partial<RecentTip>): RecentTip => ({ ...base, id, ...over });

    it('finds the same reporter saying much the same within 30 days', () => {
      const r = suggestDuplicates(base, [
        recent(1, { receivedAt: sh('2025-05-22T10:00'), townshipCode: '350404002', category: 'other' }),
        recent(2, { receivedAt: sh('2025-05-20T10:00'), townshipCode: '350404002', category: 'other' }),
      ]);
      expect(r.map((s) => [s.id, s.reason])).to.deep.equal([[1, 'same_reporter_similar']]);
    });

    it('does not match the same reporter on a different matter', () => {
      const r = suggestDuplicates(base, [recent(3, { text: '楼上邻居漏水很久了', townshipCode: '350404002', category: 'dispute' })]);
      expect(r).to.deep.equal([]);
    });

    it('finds the same township and category within 7 days, from anyone', () => {
      const r = suggestDuplicates(base, [
        recent(4, { reporterHash: 'h2', text: '有人在小卖部打牌赌钱', receivedAt: sh('2025-06-13T10:00') }),
        recent(5, { reporterHash: 'h2', text: '有人在小卖部打牌赌钱', receivedAt: sh('2025-06-13T09:59') }),
        recent(6, { reporterHash: 'h2', townshipCode: '350404002' }),
        recent(7, { reporterHash: 'h2', category: 'fraud' }),
      ]);
      expect(r.map((s) => [s.id, s.reason])).to.deep.equal([[4, 'same_place_category']]);
    });

    it('falls back to the county when a tip has no township', () => {
      const probe = { ...base, reporterHash: null, townshipCode: null };
      const r = suggestDuplicates(probe, [
        recent(8, { reporterHash: 'h2' }),
        recent(9, { reporterHash: 'h2', countyCode: '350481', townshipCode: null }),
      ]);
      expect(r.map((s) => s.id)).to.deep.equal([8]);
    });

    it('ranks same-reporter first, then by score, and skips the candidate itself', () => {
      const r = suggestDuplicates({ ...base, id: 10 }, [
        recent(10, {}),
        recent(11, { reporterHash: 'h2', text: '赌博' }),
        recent(12, { reporterHash: 'h2' }),
        recent(13, {}),
      ]);
      expect(r.map((s) => s.id)).to.deep.equal([13, 12, 11]);
      expect(r[0]?.score).to.equal(1);
    });

    it('never matches on two missing reporter hashes', () => {
      const probe = { ...base, reporterHash: null, townshipCode: '350404009', countyCode: '350405' };
      expect(suggestDuplicates(probe, [recent(14, { reporterHash: null })])).to.deep.equal([]);
    });
  });
});
