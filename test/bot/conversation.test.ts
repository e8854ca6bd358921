import { expect } from 'chai';
import { applyExpiry, newRecord, type ConversationRecord, type TipFlow } from '../../src/bot/conversation.js';

const limits = { idleTimeoutSeconds: 1800, draftKeepSeconds: 86400 };
const t0 = new Date('2026-11-26T08:00:00.000Z');
const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const tipFlow = (description: string[]): TipFlow => ({
  name: 'tip', step: 'description',
  draft: { id: 'd1', startedAt: t0.toISOString(), description, attachments: [], danger: false, transcript: [] },
});

describe('bot/conversation: applyExpiry', () => {
  it('returns a record with nothing to expire as it is, whatever the time', () => {
    const r = newRecord(t0);
    const out = applyExpiry(r, later(10 * 86400), limits);
    expect(out.record).to.equal(r);
    expect(out.justSuspended).to.equal(false);
  });

  it('keeps a flow inside the idle timeout, and the input is never changed', () => {
    const r: ConversationRecord = { ...newRecord(t0), flow: tipFlow(['村口有人赌博']) };
    const before = JSON.stringify(r);
    const out = applyExpiry(r, later(1799), limits);
    expect(out.record.flow).to.deep.equal(r.flow);
    expect(out.justSuspended).to.equal(false);
    applyExpiry(r, later(1801), limits);
    expect(JSON.stringify(r)).to.equal(before);
  });

  it('suspends an idle tip draft with content, once; drops an idle empty draft or other flow', () => {
    const withContent = applyExpiry({ ...newRecord(t0), flow: tipFlow(['村口有人赌博']) }, later(1801), limits);
    expect(withContent.justSuspended).to.equal(true);
    expect(withContent.record.flow).to.equal(undefined);
    expect(withContent.record.suspended?.suspendedAt).to.equal(t0.toISOString());
    const empty = applyExpiry({ ...newRecord(t0), flow: tipFlow([]) }, later(1801), limits);
    expect(empty.justSuspended).to.equal(false);
    expect(empty.record.flow).to.equal(undefined);
    expect(empty.record.suspended).to.equal(undefined);
    const rating = applyExpiry({ ...newRecord(t0), flow: { name: 'rate', code: 'SM261126K7QX' } }, later(1801), limits);
    expect(rating.record.flow).to.equal(undefined);
  });

  it('drops a suspended draft after the keep time and a receipt after the idle timeout', () => {
    const r: ConversationRecord = {
      ...newRecord(t0),
      suspended: { flow: tipFlow(['x']), suspendedAt: t0.toISOString() },
      lastReceipt: { submissionKey: 'k', code: 'SM261126K7QX', acknowledgeBy: '', concludeBy: '', at: t0.toISOString() },
    };
    const soon = applyExpiry(r, later(1799), limits).record;
    expect(soon.suspended).to.not.equal(undefined);
    expect(soon.lastReceipt).to.not.equal(undefined);
    const afterIdle = applyExpiry(r, later(1801), limits).record;
    expect(afterIdle.lastReceipt).to.equal(undefined);
    expect(afterIdle.suspended).to.not.equal(undefined);
    expect(applyExpiry(r, later(86401), limits).record.suspended).to.equal(undefined);
  });
});
