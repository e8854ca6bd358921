// Review regression: marks that show nothing between digits (variation selectors, the combining
// grapheme joiner) and the keycap mark that only decorates the digit before it (1️⃣ is a 1) are
// read through like a zero-width joiner: a number written with them is still found and masked.
import { expect } from 'chai';
import { cleanInput } from '../../src/platform/input-text.js';
import { maskPersonalData } from '../../src/tips/rules/personal-data.js';

/** As the bot hands a citizen's text to the rule. */
const masked = (s: string) => maskPersonalData(cleanInput(s));
const keycaps = (digits: string) => [...digits].map((d) => `${d}\uFE0F\u20E3`).join('');

describe('tips/rules/personal-data: numbers written with invisible or keycap marks (review)', () => {
  it('masks a mobile written in keycap emoji', () => {
    const out = masked(`联系电话${keycaps('13812345678')}`);
    expect(out.replace(/[^0-9]/g, '')).to.equal('1385678');
    expect(out.startsWith('联系电话138****5678')).to.equal(true);
  });

  it('masks an ID number written in keycap emoji', () => {
    const out = masked(`身份证${keycaps('35040219900101123')}X`);
    expect(out).to.equal('身份证350402********123X');
  });

  it('reads through variation selectors and the combining grapheme joiner between digits', () => {
    expect(masked('电话138\uFE0F1234\uFE0F5678')).to.equal('电话138****5678');
    expect(masked('电话138\uFE0E1234\uFE0E5678')).to.equal('电话138****5678');
    expect(masked('电话1\u034F3812345678')).to.equal('电话138****5678');
  });

  it('masks a mobile written with pipes between its groups, and leaves a table of small numbers alone', () => {
    expect(masked('电话138|1234|5678')).to.equal('电话138****5678');
    expect(masked('电话138｜1234｜5678')).to.equal('电话138****5678');
    expect(masked('| 1 | 2 | 30 |')).to.equal('| 1 | 2 | 30 |');
    expect(masked('2023|2024|2025年')).to.equal('2023|2024|2025年');
  });

  it('leaves ordinary keycap numbers alone (a short count, a list item)', () => {
    expect(masked(`第${keycaps('3')}条，共${keycaps('12')}人`)).to.equal(`第${keycaps('3')}条，共${keycaps('12')}人`);
  });
});
