// Notations of personal data that reach the masking rule after the input edge (cleanInput keeps
// ZWJ / ZWNJ, line breaks and the minus sign), and a number a citizen splits over two messages:
// the description joins the messages by line, the transcript keeps them apart.
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { supertestTransport } from '../support/webhook-app.js';
import { ChatClient, type DecodedReply } from '../../src/cli/chat-client.js';
import { cleanInput } from '../../src/platform/input-text.js';
import { findPersonalData, maskJoined, maskPersonalData } from '../../src/tips/rules/personal-data.js';
import { bodyOf, type TipDetail } from '../support/api.js';
import { context, staffAgent } from './helpers.js';

/** As the bot hands a citizen's text to the rule. */
const masked = (s: string) => maskPersonalData(cleanInput(s));
/** Every digit of a text in order: what a reader could piece a number from. */
const digitsOf = (s: string) => s.replace(/[^0-9Xx]/g, '').toUpperCase();

describe('tips/rules/personal-data: notations that survive the input edge', () => {
  const cases: Array<[string, string]> = [
    ['电话138\u200d1234\u200d5678', '电话138****5678'],
    ['电话138\u200c1234\u200c5678', '电话138****5678'],
    ['身份证3504\u200d0219\u200d9001\u200d0112\u200d3X', '身份证350402********123X'],
    ['电话138−1234−5678', '电话138****5678'],
    ['电话138〜1234〜5678', '电话138****5678'],
    ['身份证350402，19900101，123X', '身份证350402********123X'],
    ['身份证350402,1990,0101,123x', '身份证350402********123X'],
    ['我的电话\n138\n1234\n5678', '我的电话\n138****5678'],
    ['电话138\n1234 5678', '电话138****5678'],
    ['身份证350402\n19900101123X', '身份证350402********123X'],
    ['电话❶❸❽❶❷❸❹❺❻❼❽', '电话138****5678'],
    ['电话➀➂➇➀➁➂➃➄➅➆➇', '电话138****5678'],
  ];
  for (const [input, output] of cases) it(`${JSON.stringify(input)} → ${output}`, () => expect(masked(input)).to.equal(output));

  it('is idempotent on these too', () => {
    for (const [input] of cases) expect(findPersonalData(masked(input)), input).to.deep.equal([]);
  });

  it('leaves ordinary numbers on separate lines alone', () => {
    for (const s of ['2023\n2024\n2025年', '第1条\n第2条', '房租1500\n押金3000\n水电200', '共3次\n2024年5月', '1801\n1802\n302室', '转了12000元\n又转了8000元']) {
      expect(masked(s), JSON.stringify(s)).to.equal(cleanInput(s));
    }
  });

  it('maskJoined masks a number split over two texts in both, and each text as maskPersonalData does otherwise', () => {
    expect(maskJoined(['邻居天天吵，我电话138', '1234 5678', '好了'])).to.deep.equal(['邻居天天吵，我电话***', '**** ****', '好了']);
    expect(maskJoined(['身份证350402', '19900101123X'])).to.deep.equal(['身份证******', '************']);
    const apart = ['我电话13812345678', '三号楼2单元501', '2026年12月6日', '请拨打110'];
    expect(maskJoined(apart)).to.deep.equal(apart.map(maskPersonalData));
    expect(maskJoined([])).to.deep.equal([]);
  });
});

describe(`a number split over two messages reaches no staff read (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext;
  before(async () => { ctx = await context(); });
  after(async () => { await ctx.close(); });

  const textOf = (r: DecodedReply): string => (r.type === 'text' ? r.text : `<${r.type}>`);

  for (const [name, pieces] of [['two messages', ['邻居天天半夜吵闹，我电话138', '1234 5678']], ['one message over lines', ['邻居天天半夜吵闹，我电话\n138\n1234\n5678']]] as const) {
    it(`${name}: description and transcript masked for a county handler`, async () => {
      const chat = new ChatClient({ transport: supertestTransport(ctx.callback), token: ctx.config.wechat.token, openid: `o_split_${name.length}` });
      const say = async (t: string) => textOf(await chat.text(t));
      await say('举报');
      await say('3');
      for (const p of pieces) await say(p);
      await say('好了');
      await say('跳过');
      await say('匿名');
      const code = /受理编号：(SM\d{6}[A-Z0-9]{4,})/.exec(await say('确认'))?.[1];
      expect(code).to.be.a('string');
      const { agent: triage } = await staffAgent(ctx, { username: `triage-split-${name.length}`, role: 'triage' });
      await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404', townshipCode: '350404001' }).expect(200);
      const { agent: county } = await staffAgent(ctx, { username: `county-split-${name.length}`, role: 'county', countyCode: '350404' });

      const detail = bodyOf<TipDetail>(await county.get(`/api/staff/tips/${code}`).expect(200));
      expect(digitsOf(detail.tip.description)).not.to.include('13812345678');
      const citizenSaid = (detail.transcript as Array<{ from: string; text?: string }>)
        .filter((e) => e.from === 'citizen').map((e) => e.text ?? '').join('');
      expect(digitsOf(citizenSaid)).not.to.include('13812345678');
      expect(digitsOf(citizenSaid)).not.to.include('12345678');
      const page = await county.get(`/staff/tips/${code}`).expect(200);
      expect(page.text).not.to.include('1234 5678').and.not.to.include('>1234<');
    });
  }
});
