import { expect } from 'chai';
import { citizenNoticeFor } from '../../../src/tips/rules/state-machine.js';
import { TIP_STATES } from '../../../src/tips/types.js';
import { sh } from './helpers.js';

const trackingCode = 'SM250610ABCDEF';

describe('tips/rules/citizen-notice', () => {
  it('says nothing for internal steps', () => {
    expect(citizenNoticeFor('claimed', { trackingCode })).to.equal(undefined);
    expect(citizenNoticeFor('in_progress', { trackingCode })).to.equal(undefined);
  });

  it('quotes the tracking code in every notice it sends', () => {
    for (const state of TIP_STATES) {
      const text = citizenNoticeFor(state, { trackingCode, reason: '原因', answer: '答复', unitName: '某单位' });
      if (text !== undefined) expect(text, state).to.include(trackingCode);
    }
  });

  it('received and assigned, in the words of the 信访 steps and with the date (Beijing time)', () => {
    const received = citizenNoticeFor('received', { trackingCode, at: sh('2025-12-06T00:30') });
    expect(received).to.include('已收到（12月6日）').and.not.include('已受理');
    const assigned = citizenNoticeFor('assigned', { trackingCode, unitName: '永安市委政法委', at: sh('2025-12-08T23:59') });
    expect(assigned).to.include('已登记受理（12月8日）').and.include('交由永安市委政法委办理');
    expect(citizenNoticeFor('assigned', { trackingCode })).to.include('有关单位').and.include('已登记受理，');
  });

  it('answered, closed, rejected, duplicate and transferred carry their own word and date', () => {
    const at = sh('2025-12-10T09:00');
    expect(citizenNoticeFor('answered', { trackingCode, answer: '已处理。', at })).to.include('已答复（12月10日）').and.not.include('已有答复');
    expect(citizenNoticeFor('closed', { trackingCode, at })).to.include('已办结（12月10日）');
    expect(citizenNoticeFor('rejected', { trackingCode, reason: '不属于受理范围', at })).to.include('不予受理（12月10日），原因：不属于受理范围');
    expect(citizenNoticeFor('duplicate', { trackingCode, at })).to.include('重复反映（12月10日）');
    expect(citizenNoticeFor('transferred', { trackingCode, unitName: '市信访局', at })).to.include('已转送（12月10日），转交市信访局处理');
  });

  it('extended: reason, days and the new date', () => {
    const text = citizenNoticeFor('extended', {
      trackingCode, reason: '需要现场核查', extensionDays: 30, newDeadline: sh('2025-09-01T23:59'),
    });
    expect(text).to.include('30日').and.to.include('需要现场核查').and.to.include('2025年9月1日');
  });

  it('answered: the answer and how to rate', () => {
    const text = citizenNoticeFor('answered', { trackingCode, answer: '已责令整改。' });
    expect(text).to.include('已责令整改。').and.to.include(`回复「评价 ${trackingCode}」`).and.to.include('复查');
  });

  it('rejected with its reason; closed', () => {
    expect(citizenNoticeFor('rejected', { trackingCode, reason: '已进入诉讼程序' })).to.include('不予受理，原因：已进入诉讼程序');
    expect(citizenNoticeFor('closed', { trackingCode })).to.include('已办结');
  });
});
