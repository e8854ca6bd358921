// The edge normalisation every citizen message and staff input goes through (issue #15, item 1).
import { expect } from 'chai';
import { cleanInput, cleanInputValue, InvalidTextError } from '../../src/platform/input-text.js';

describe('cleanInput: text as the service reads it', () => {
  const cases: Array<[string, string, string]> = [
    ['full-width digits and letters', '电话１３８０００１１１１１，ＳＭ２６', '电话13800011111，SM26'],
    ['Chinese prose punctuation stays; other full-width forms fold', '你好！（急）：是吗？～ ＠＋－．', '你好！（急）：是吗？～ @+-.'],
    ['ideographic space', '有人\u3000打架', '有人 打架'],
    ['circled digits', '①号楼', '1号楼'],
    ['NUL and other C0 controls', 'a\u0000b\u0007c\u001Bd', 'abcd'],
    ['C1 controls', 'a\u0085b\u009Bc', 'a\nbc'],
    ['bidi override and isolates', '\u202E秘密\u202C 和 \u2066x\u2069', '秘密 和 x'],
    ['LRM, RLM, Arabic letter mark', 'a\u200Eb\u200Fc\u061Cd', 'abcd'],
    ['zero-width space, word joiner, soft hyphen, BOM', '有\u200B人\u2060砍\u00AD人\uFEFF', '有人砍人'],
    ['CRLF and CR become \\n; line and paragraph separators too', 'a\r\nb\rc\u2028d\u2029e', 'a\nb\nc\nd\ne'],
    ['tab becomes a space', 'a\tb', 'a b'],
    ['newlines are kept', '第一行\n第二行', '第一行\n第二行'],
    ['emoji with ZWJ stay whole', '👨‍👩‍👧 好', '👨‍👩‍👧 好'],
    ['plain Chinese is unchanged', '小区门口有人聚众赌博。', '小区门口有人聚众赌博。'],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => { expect(cleanInput(input)).to.equal(expected); });
  }

  it('is idempotent', () => {
    for (const [, input] of cases) expect(cleanInput(cleanInput(input))).to.equal(cleanInput(input));
  });

  it('refuses a lone surrogate (high or low) with TEXT_INVALID, and accepts a proper pair', () => {
    for (const bad of ['a\uD800b', '\uDC00', 'x\uD83D']) {
      expect(() => cleanInput(bad)).to.throw(InvalidTextError).with.property('code', 'TEXT_INVALID');
    }
    expect(cleanInput('\uD83D\uDE00')).to.equal('😀');
  });

  it('cleans every string and key of a parsed body and names the refused field', () => {
    expect(cleanInputValue({ reason: '原因\u0000\u202E', list: ['１'], n: 3, ok: true, none: null }))
      .to.deep.equal({ reason: '原因', list: ['1'], n: 3, ok: true, none: null });
    try {
      cleanInputValue({ a: { reason: 'x\uD800' } });
      expect.fail('accepted a lone surrogate');
    } catch (err) {
      expect(err).to.be.instanceOf(InvalidTextError);
      expect((err as InvalidTextError).fields).to.deep.equal([{ path: 'a.reason', message: '含有无法识别的字符' }]);
    }
  });
});
