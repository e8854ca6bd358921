import { expect } from 'chai';
import {
  actionsFrom, transition, TIP_ACTIONS, type TipAction, type TipSnapshot, type TransitionInput,
} from '../../../src/tips/rules/state-machine.js';
import { TipRuleError } from '../../../src/tips/rules/errors.js';
import { TIP_STATES, type TipState } from '../../../src/tips/types.js';
import { sh } from './helpers.js';

const now = sh('2025-06-10T10:00');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(TipRuleError);
    return (err as TipRuleError).code;
  }
  return undefined;
}

// Inputs that satisfy every action's requirements, so only the state decides.
const full: TransitionInput = { reason: '理由', answer: '答复', unitKey: 'police', duplicateOf: 7, extensionDays: 10 };

// Written out on purpose: the legal graph, one row per action.
const LEGAL: Record<TipAction, { from: TipState[]; to: TipState }> = {
  claim: { from: ['received'], to: 'claimed' },
  release: { from: ['claimed'], to: 'received' },
  lease_expired: { from: ['claimed'], to: 'received' },
  assign: { from: ['received', 'claimed', 'assigned', 'in_progress', 'extended', 'reopened'], to: 'assigned' },
  start: { from: ['assigned'], to: 'in_progress' },
  answer: { from: ['claimed', 'in_progress', 'extended', 'reopened'], to: 'answered' },
  extend: { from: ['assigned', 'in_progress'], to: 'extended' },
  reject: { from: ['received', 'claimed'], to: 'rejected' },
  mark_duplicate: { from: ['received', 'claimed'], to: 'duplicate' },
  transfer: { from: ['received', 'claimed'], to: 'transferred' },
  close: { from: ['answered'], to: 'closed' },
  reopen: { from: ['answered', 'closed'], to: 'reopened' },
};

describe('tips/rules/state-machine', () => {
  describe('every action × every state', () => {
    for (const action of TIP_ACTIONS) {
      for (const state of TIP_STATES) {
        const ok = LEGAL[action].from.includes(state);
        it(`${action} from ${state}: ${ok ? LEGAL[action].to : 'refused'}`, () => {
          const tip: TipSnapshot = { id: 1, state, answeredAt: sh('2025-06-01T10:00') };
          if (ok) {
            expect(transition(tip, action, full, now).to).to.equal(LEGAL[action].to);
          } else {
            const code = codeOf(() => transition(tip, action, full, now));
            expect(code).to.be.oneOf(['TIP_ILLEGAL_TRANSITION', 'TIP_ALREADY_EXTENDED', 'TIP_NOT_STARTED']);
          }
        });
      }
    }
  });

  it('actionsFrom lists what the graph allows', () => {
    expect(actionsFrom('received')).to.deep.equal(['claim', 'assign', 'reject', 'mark_duplicate', 'transfer']);
    expect(actionsFrom('rejected')).to.deep.equal([]);
  });

  describe('input requirements', () => {
    const claimed: TipSnapshot = { id: 5, state: 'claimed' };
    it('reject, transfer need a reason (blank does not count)', () => {
      expect(codeOf(() => transition(claimed, 'reject', {}, now))).to.equal('TIP_REASON_REQUIRED');
      expect(codeOf(() => transition(claimed, 'reject', { reason: '   ' }, now))).to.equal('TIP_REASON_REQUIRED');
      expect(codeOf(() => transition(claimed, 'transfer', { reason: null }, now))).to.equal('TIP_REASON_REQUIRED');
      expect(transition(claimed, 'reject', { reason: ' 不属于受理范围 ' }, now).reason).to.equal('不属于受理范围');
    });

    it('assign needs a unit; reassignment also needs a reason', () => {
      expect(codeOf(() => transition(claimed, 'assign', {}, now))).to.equal('TIP_UNIT_REQUIRED');
      expect(transition(claimed, 'assign', { unitKey: 'police' }, now).set).to.deep.equal({ handlingUnitKey: 'police' });
      const assigned: TipSnapshot = { state: 'in_progress' };
      expect(codeOf(() => transition(assigned, 'assign', { unitKey: 'zfw' }, now))).to.equal('TIP_REASON_REQUIRED');
      expect(transition(assigned, 'assign', { unitKey: 'zfw', reason: '主体错误' }, now).to).to.equal('assigned');
    });

    it('answer needs answer text and stamps answeredAt', () => {
      expect(codeOf(() => transition({ state: 'in_progress' }, 'answer', { answer: '' }, now))).to.equal('TIP_ANSWER_REQUIRED');
      const r = transition({ state: 'in_progress' }, 'answer', { answer: '已查处' }, now);
      expect(r.answer).to.equal('已查处');
      expect(r.set.answeredAt).to.equal(now);
    });

    it('mark_duplicate needs a link, not to itself', () => {
      expect(codeOf(() => transition(claimed, 'mark_duplicate', {}, now))).to.equal('TIP_DUPLICATE_LINK_REQUIRED');
      expect(codeOf(() => transition(claimed, 'mark_duplicate', { duplicateOf: ' ' }, now))).to.equal('TIP_DUPLICATE_LINK_REQUIRED');
      expect(codeOf(() => transition(claimed, 'mark_duplicate', { duplicateOf: '5' }, now))).to.equal('TIP_DUPLICATE_OF_SELF');
      expect(transition(claimed, 'mark_duplicate', { duplicateOf: 3 }, now).set).to.deep.equal({ duplicateOf: 3 });
    });
  });

  describe('extension (Art 34: once, at most 30 days, with a reason)', () => {
    const tip: TipSnapshot = { state: 'in_progress' };
    it('extends by up to 30 days and records it', () => {
      const r = transition(tip, 'extend', { reason: '需要现场勘验', extensionDays: 30 }, now);
      expect(r.to).to.equal('extended');
      expect(r.set).to.deep.equal({ extendedOnce: true, extensionDays: 30 });
    });

    it('refuses 31 days, zero, fractions and a missing count', () => {
      expect(codeOf(() => transition(tip, 'extend', { reason: 'x', extensionDays: 31 }, now))).to.equal('TIP_EXTENSION_TOO_LONG');
      expect(codeOf(() => transition(tip, 'extend', { reason: 'x', extensionDays: 0 }, now))).to.equal('TIP_EXTENSION_INVALID');
      expect(codeOf(() => transition(tip, 'extend', { reason: 'x', extensionDays: 2.5 }, now))).to.equal('TIP_EXTENSION_INVALID');
      expect(codeOf(() => transition(tip, 'extend', { reason: 'x' }, now))).to.equal('TIP_EXTENSION_INVALID');
    });

    it('needs a reason', () => {
      expect(codeOf(() => transition(tip, 'extend', { extensionDays: 10 }, now))).to.equal('TIP_REASON_REQUIRED');
    });

    it('only once: not again while extended, nor after a reassignment', () => {
      expect(codeOf(() => transition({ state: 'extended', extendedOnce: true }, 'extend', { reason: 'x', extensionDays: 5 }, now)))
        .to.equal('TIP_ALREADY_EXTENDED');
      const reassigned = transition({ state: 'extended', extendedOnce: true }, 'assign', { unitKey: 'zfw', reason: '改派' }, now);
      expect(reassigned.to).to.equal('assigned');
      expect(codeOf(() => transition({ state: 'assigned', extendedOnce: true }, 'extend', { reason: 'x', extensionDays: 5 }, now)))
        .to.equal('TIP_ALREADY_EXTENDED');
    });

    it('an extended tip can still be answered', () => {
      expect(transition({ state: 'extended', extendedOnce: true }, 'answer', { answer: '已办' }, now).to).to.equal('answered');
    });

    it('an assigned tip is answered only after 开始办理: a 409 that says so', () => {
      let err: unknown;
      try { transition({ state: 'assigned' }, 'answer', { answer: '已办' }, now); } catch (e) { err = e; }
      expect(err).to.include({ code: 'TIP_NOT_STARTED', status: 409 });
      expect((err as Error).message).to.include('开始办理');
      expect(actionsFrom('assigned')).to.not.include('answer');
      expect(actionsFrom('in_progress')).to.include('answer');
    });
  });

  describe('reopen (复查 within 30 days of the answer)', () => {
    const answeredAt = sh('2025-03-01T10:00');
    const tip: TipSnapshot = { state: 'answered', answeredAt };

    it('is allowed through the end of day 30 and refused on day 31', () => {
      expect(transition(tip, 'reopen', { reason: '不服' }, sh('2025-03-31T23:59')).to).to.equal('reopened');
      expect(codeOf(() => transition(tip, 'reopen', { reason: '不服' }, sh('2025-04-01T00:00')))).to.equal('TIP_REVIEW_WINDOW_CLOSED');
    });

    it('works from closed too, counts reviews and stamps the request', () => {
      const at = sh('2025-03-20T09:00');
      const r = transition({ state: 'closed', answeredAt }, 'reopen', { reason: '不服' }, at);
      expect(r.set).to.deep.equal({ reopenedAt: at, reviewCount: 1 });
    });

    it('needs a reason', () => {
      expect(codeOf(() => transition(tip, 'reopen', {}, sh('2025-03-10')))).to.equal('TIP_REASON_REQUIRED');
    });

    it('takes 复查 then 复核, and nothing after', () => {
      expect(transition({ ...tip, reviewCount: 1 }, 'reopen', { reason: '复核' }, sh('2025-03-10')).set.reviewCount).to.equal(2);
      expect(codeOf(() => transition({ ...tip, reviewCount: 2 }, 'reopen', { reason: '再次' }, sh('2025-03-10'))))
        .to.equal('TIP_REVIEWS_EXHAUSTED');
    });

    it('refuses when the answer date is unknown', () => {
      expect(codeOf(() => transition({ state: 'answered' }, 'reopen', { reason: 'x' }, now))).to.equal('TIP_ILLEGAL_TRANSITION');
    });
  });

  it('errors carry a status for the HTTP edge', () => {
    try {
      transition({ state: 'closed' }, 'claim', {}, now);
      expect.fail('should throw');
    } catch (err) {
      expect((err as TipRuleError).status).to.equal(409);
    }
    try {
      transition({ state: 'claimed' }, 'reject', {}, now);
      expect.fail('should throw');
    } catch (err) {
      expect((err as TipRuleError).status).to.equal(400);
    }
  });

  it('a whole happy path', () => {
    let state: TipState = 'received';
    const steps: Array<[TipAction, TransitionInput]> = [
      ['claim', {}], ['assign', { unitKey: 'township_centre' }], ['start', {}],
      ['extend', { reason: '需要调解', extensionDays: 15 }], ['answer', { answer: '已调解' }], ['close', {}],
    ];
    let extendedOnce = false;
    for (const [action, input] of steps) {
      const r = transition({ state, extendedOnce }, action, input, now);
      state = r.to;
      extendedOnce = extendedOnce || r.set.extendedOnce === true;
    }
    expect(state).to.equal('closed');
  });
});

describe('tips/rules/state-machine: close', () => {
  it('keeps a reason when one is given, and needs none', () => {
    const answered: TipSnapshot = { state: 'answered', answeredAt: now };
    expect(transition(answered, 'close', { reason: '答复后30日内未申请复查，自动办结' }, now)).to.include({ to: 'closed', reason: '答复后30日内未申请复查，自动办结' });
    expect(transition(answered, 'close', {}, now)).to.not.have.property('reason');
  });
});
