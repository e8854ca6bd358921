// Citizens whose phones type traditional characters (older citizens, Taiwan compatriots) are
// understood as if they had typed simplified ones, and what they typed is kept as they typed it
// (信访工作条例 Art 19): the fold is for matching only.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { defaultFraudChecker } from '../../src/alerts/fraud/index.js';
import { reportableIdentifiers } from '../../src/alerts/reports/identifiers.js';
import { planSearch } from '../../src/articles/search.js';
import { loadBotContent } from '../../src/bot/content.js';
import { countyOfAnswer } from '../../src/bot/intents/county.js';
import type { CitizenRating } from '../../src/bot/ports.js';
import { reportedInMessage } from '../../src/bot/intents/fraud-check.js';
import { commandArgs, isWord } from '../../src/bot/text.js';
import { compactText, foldToSimplified } from '../../src/tips/rules/plain-text.js';
import { citizen, harness, send, type Harness } from './engine-harness.js';

const firstLine = (reply: string) => reply.split('\n')[0] ?? '';

const ROOT = path.resolve(import.meta.dirname, '../..');
const HAN_RUN = /[\u3400-\u9fff\uf900-\ufaff]+/gu;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('bot: traditional characters', () => {
  it('gives the number first to danger told in traditional characters', async () => {
    const h = await harness();
    const cases: Array<[string, string]> = [
      ['有人要殺我', '110'],
      ['有人搶劫', '110'],
      ['出車禍了', '122'],
      ['我兒子喝農藥了', '120'],
      // Taiwan's 著 is the mainland 着 here.
      ['我家著火了', '119'],
    ];
    for (const [i, [text, number]] of cases.entries()) {
      expect(firstLine(await send(h, text, citizen(`danger-${i}`))), text).to.contain(number);
    }
  });

  it('starts a tip from 「我要舉報…」 and keeps the traditional characters in the tip', async () => {
    const h = await harness();
    const typed = '我要舉報有人在村裡開賭場';
    const started = await send(h, typed);
    expect(started).to.contain('已记下您说的情况').and.contain('治安线索');
    expect(await send(h, '是')).to.contain('治安线索');
    expect(await send(h, '好了')).to.match(/地点/);
    expect(await send(h, '三元區城關街道')).to.contain('已记下地点：三元区城关街道');
    expect(await send(h, '匿名')).to.contain('有人在村裡開賭場');
    expect(await send(h, '確認')).to.contain('提交成功');
    const tip = h.desk.submitCalls[0];
    expect(tip?.description).to.equal('有人在村裡開賭場');
    expect(tip?.category).to.equal('security');
    expect(tip?.place).to.deep.equal({ countyCode: '350404', townshipCode: '350404004', text: '三元區城關街道' });
    const said = tip?.transcript.flatMap((e) => ('text' in e && e.from === 'citizen' ? [e.text] : []));
    expect(said).to.deep.equal([typed, '是', '好了', '三元區城關街道', '匿名', '確認']);
  });

  it('reads whole commands typed in traditional characters', async () => {
    const h = await harness();
    expect(await send(h, '舉報', citizen('tip'))).to.contain('请选择您要反映的问题类别');
    expect(await send(h, '查詢', citizen('list'))).to.contain('您还没有反映过问题');
    expect(await send(h, '幫助', citizen('help'))).to.contain('· 举报：');
    // Inside a draft, a whole command is let through and the draft stays open.
    const who = citizen('draft');
    await send(h, '舉報', who);
    await send(h, '1', who);
    await send(h, '村裡有人開賭場', who);
    const help = await send(h, '幫助', who);
    expect(help).to.contain('· 举报：').and.contain('还没有提交');
  });

  it('matches a county typed in traditional characters at the place step', async () => {
    const h = await harness();
    await send(h, '举报');
    await send(h, '1');
    await send(h, '村里有人开赌场天天晚上好多人');
    await send(h, '好了');
    expect(await send(h, '沙縣')).to.contain('已记下地点：沙县区');
    await send(h, '匿名');
    await send(h, '确认');
    expect(h.desk.submitCalls[0]?.place).to.deep.equal({ countyCode: '350405', text: '沙縣' });
  });

  it('judges a scam in traditional characters as its simplified form, in 鉴诈 too', async () => {
    const simplified = '我是公安局的民警，你的银行卡涉嫌洗钱，请马上把钱转到安全账户配合调查';
    const traditional = '我是公安局的民警，你的銀行卡涉嫌洗錢，請馬上把錢轉到安全賬戶配合調查';
    const fraud = defaultFraudChecker();
    expect(fraud.check(simplified).risk).to.equal('high');
    expect(fraud.check(traditional)).to.deep.equal(fraud.check(simplified));
    const h = await harness();
    expect(await send(h, `鑒詐 ${traditional}`)).to.contain('【高风险】').and.contain('冒充公检法');
  });
});

/** A tip filed and answered by staff, so it can be rated: its code. */
async function answeredTip(h: Harness, who = citizen()): Promise<string> {
  for (const text of ['举报', '1', '有人赌博', '好了', '跳过', '匿名']) await send(h, text, who);
  const code = /受理编号：(\w+)/.exec(await send(h, '确认', who))?.[1] ?? '';
  h.desk.answer(code, '已处理。');
  return code;
}

describe('bot: traditional characters in the intents\' own words', () => {
  it('answers a keyword reply typed in traditional characters as the simplified one', async () => {
    const h = await harness();
    const pairs: Array<[string, string]> = [['反詐熱線', '反诈热线'], ['上班時間是幾點', '上班时间是几点'], ['信訪條例', '信访条例']];
    for (const [i, [typed, simplified]] of pairs.entries()) {
      const expected = await send(h, simplified, citizen(`keyword-s-${i}`));
      expect(await send(h, typed, citizen(`keyword-t-${i}`)), typed).to.equal(expected);
    }
  });

  it('takes 滿意, 不滿意 and 第三個 as ratings', async () => {
    const h = await harness();
    const answers: Array<[string, CitizenRating]> = [
      ['滿意', 'satisfied'], ['非常滿意', 'satisfied'], ['基本滿意', 'basically_satisfied'], ['不滿意', 'unsatisfied'], ['第三個', 'unsatisfied'],
    ];
    for (const [i, [word, rating]] of answers.entries()) {
      const who = citizen(`rater-${i}`);
      const code = await answeredTip(h, who);
      expect(await send(h, `評價 ${code}`, who)).to.contain('1 满意');
      expect(await send(h, word, who), word).to.match(rating === 'unsatisfied' ? /复查/ : /谢谢您的评价/);
      expect(h.desk.ratings.at(-1), word).to.deep.equal({ code, rating });
    }
  });

  it('hears a question about a matter sent before, and asks for progress, in traditional characters', async () => {
    const h = await harness();
    const who = citizen('asker');
    const code = await answeredTip(h, who);
    for (const text of ['我舉報的那個有結果沒有', '我上次反映的事怎麼樣了', '查詢進度', '查看進度']) {
      expect(await send(h, text, who), text).to.contain('您反映的问题').and.contain(code);
    }
    expect(await send(h, `${code} 進度怎麼樣了`, who)).to.contain(code).and.contain('已答复');
  });

  it('picks a category named in traditional characters at the category step', async () => {
    const h = await harness();
    await send(h, '舉報');
    expect(await send(h, '矛盾糾紛')).to.contain('类别：「矛盾纠纷」');
  });

  it('reads a scam report and the victim\'s own number in traditional characters', () => {
    expect(reportedInMessage('舉報詐騙電話 17012345678')).to.deep.equal([{ kind: 'phone', value: '17012345678' }]);
    expect(reportedInMessage('這個號碼是騙子 17012345678')).to.deep.equal([{ kind: 'phone', value: '17012345678' }]);
    // A question is for 鉴诈, not a report.
    expect(reportedInMessage('這個號碼是騙子嗎 17012345678')).to.equal(undefined);
    // The writer's own number, or the one a scam text addresses to its reader, is never reported.
    expect(reportableIdentifiers('本人手機 13905981234，騙子電話 17012345678')).to.deep.equal([{ kind: 'phone', value: '17012345678' }]);
    expect(reportableIdentifiers('您的手機號 13905981234 已開通會員，取消請撥打 0755-88886666')).to.deep.equal([{ kind: 'phone', value: '075588886666' }]);
  });

  it('searches articles for words typed in traditional characters, and keeps a 著 typed', async () => {
    expect(planSearch('養老詐騙')).to.deep.equal(planSearch('养老诈骗'));
    expect(planSearch('防範 電信詐騙')).to.deep.equal(planSearch('防范 电信诈骗'));
    // Simplified text keeps its 著 (显著, 土著), which articles are written with.
    expect(planSearch('效果显著').terms).to.deep.equal(['效果显著']);
    const h = await harness();
    for (const [i, typed] of ['資訊', '平安資訊'].entries()) {
      expect(await send(h, typed, citizen(`latest-${i}`)), typed).to.equal(await send(h, '最新资讯', citizen('latest')));
    }
  });

  it('takes a county answer written in traditional characters', () => {
    const { divisions } = loadBotContent();
    expect(countyOfAnswer('我住在三元區城關街道', divisions)).to.equal('350404');
    expect(countyOfAnswer('三明市沙縣區這邊', divisions)).to.equal('350405');
    expect(countyOfAnswer('我在沙縣被人騙了五千塊', divisions)).to.equal(undefined);
  });
});

describe('foldToSimplified', () => {
  it('reads traditional characters as the mainland simplified ones', () => {
    expect(foldToSimplified('有人要殺我')).to.equal('有人要杀我');
    expect(foldToSimplified('我要舉報有人在村裡開賭場')).to.equal('我要举报有人在村里开赌场');
    expect(foldToSimplified('三元區城關街道 沙縣')).to.equal('三元区城关街道 沙县');
    // Taiwan's 著 is 着 in 著火, and stays in 著名.
    expect(foldToSimplified('我家著火了 著名')).to.equal('我家着火了 著名');
    expect(compactText('有人 要殺我！！')).to.equal('有人要杀我');
  });

  it('gives simplified text back as it is, 么 and 幺 included', () => {
    for (const text of ['什么', '在么在么', '幺幺零', '著名的著作', '于是干净的头发', '后面的面条', '只有一只狗', '台风天着急', '有人要杀我']) {
      expect(foldToSimplified(text), text).to.equal(text);
    }
  });

  it('leaves every Chinese word the rules, keywords and places are written in as it is, or it could never match', () => {
    const words = new Set<string>();
    const collect = (text: string) => { for (const m of text.matchAll(HAN_RUN)) words.add(m[0]); };
    for (const file of sourceFiles(path.join(ROOT, 'src'))) {
      // Code only: comments may show what citizens type.
      for (const line of fs.readFileSync(file, 'utf8').split('\n')) if (!/^\s*(\/\/|\/?\*)/.test(line)) collect(line.replace(/\s\/\/\s.*$/, ''));
    }
    for (const file of ['content/fraud/rules.json', 'content/bot/keywords.json', 'content/bot/faq.json']) collect(fs.readFileSync(path.join(ROOT, file), 'utf8'));
    const divisions = JSON.parse(fs.readFileSync(path.join(ROOT, 'content/sanming-divisions.json'), 'utf8')) as { counties: Array<{ name: string; townships: Array<{ name: string }> }> };
    for (const c of divisions.counties) collect([c.name, ...c.townships.map((t) => t.name)].join(' '));
    expect(words.size).to.be.greaterThan(1000);
    expect([...words].filter((w) => foldToSimplified(w) !== w)).to.deep.equal([]);
  });

  it('answers the same however many texts are read, and in whatever order (the last results are kept)', () => {
    const texts = Array.from({ length: 40 }, (_, i) => `${i % 2 ? '有人要殺我' : '村裡開賭場'} ${i}`);
    const first = texts.map((t) => [foldToSimplified(t), compactText(t)]);
    const again = [...texts].reverse().map((t) => [foldToSimplified(t), compactText(t)]).reverse();
    expect(again).to.deep.equal(first);
    expect(first[1]).to.deep.equal(['有人要杀我 1', '有人要杀我1']);
  });

  it('keeps code points in place, so a command typed in traditional characters leaves its argument as typed', () => {
    const typed = '𠀋舉報𠀋';
    expect(Array.from(foldToSimplified(typed))).to.have.length(Array.from(typed).length);
    expect(commandArgs('查詢 SM251126ABCDEF', ['查询'])).to.equal('SM251126ABCDEF');
    expect(commandArgs('鑒詐 您的帳戶異常', ['鉴诈'])).to.equal('您的帳戶異常');
    expect(commandArgs('查查', ['查询'])).to.equal(undefined);
    expect(isWord('確 認', ['确认'])).to.equal(true);
    expect(isWord('確認一下', ['确认'])).to.equal(false);
  });
});
