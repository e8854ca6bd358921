// Citizens' reports of scam identifiers: the normal forms, one row per identifier and citizen
// (the same citizen twice counts once, stored only as a keyed hash), the threshold raising another
// citizen's 鉴诈 verdict, the 「举报」 offer after a high verdict, and the candidates staff see.
// Through the composed app's engine (real reports desk, real database) and its staff API.
import { expect } from 'chai';
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { findIdentifiers, lookupValues, normaliseAccount, normalisePhone, normaliseUrl } from '../../src/alerts/reports/identifiers.js';
import { raisedByReports } from '../../src/bot/intents/fraud-check.js';
import { defaultFraudChecker } from '../../src/alerts/fraud/index.js';
import type { ScamCandidate } from '../../src/alerts/reports/service.js';
import { bodyOf, errorOf } from '../support/api.js';
import { usingMysql } from '../support/database.js';
import type { TestContext } from '../support/harness.js';
import { staffAgent } from '../tips/helpers.js';
import { citizen, input, texts } from '../bot/engine-harness.js';
import { alertsContext, MovableClock } from './alerts-helpers.js';

describe('scam reports: normal forms', () => {
  it('normalises phone numbers: digits only, without +86, spaces, dashes or brackets', () => {
    for (const raw of ['17012345678', '+86 170-1234-5678', '0086 170 1234 5678', '86-17012345678', '170.1234.5678']) {
      expect(normalisePhone(raw), raw).to.equal('17012345678');
    }
    expect(normalisePhone('(0598) 812-3456')).to.equal('05988123456');
    expect(normalisePhone('+852 6123 4567')).to.equal('85261234567');
    for (const short of ['110', '96110', '95588', '12345']) expect(normalisePhone(short), short).to.equal(undefined);
    expect(normalisePhone('170abc')).to.equal(undefined);
  });

  it('normalises addresses to the lower-case host and the path; accounts stay as typed, trimmed', () => {
    expect(normaliseUrl('HTTP://WWW.Scam-Site.TOP/Login/?token=abc#top')).to.equal('scam-site.top/Login');
    expect(normaliseUrl('https://scam-site.top:443/')).to.equal('scam-site.top');
    expect(normaliseUrl('scam-site.top:8080/a/b/')).to.equal('scam-site.top:8080/a/b');
    expect(normaliseUrl('localhost/x')).to.equal(undefined);
    expect(lookupValues({ kind: 'url', value: 'scam-site.top/Login' })).to.deep.equal(['scam-site.top/Login', 'scam-site.top']);
    expect(normaliseAccount('  WXID_Abc123 ')).to.equal('WXID_Abc123');
    expect(normaliseAccount('ab')).to.equal(undefined);
  });

  it('finds the identifiers in what citizens write', () => {
    expect(findIdentifiers('举报诈骗电话 170 1234 5678，还有网址 http://Pay-Refund.cn/r?id=9')).to.deep.equal([
      { kind: 'phone', value: '17012345678' }, { kind: 'url', value: 'pay-refund.cn/r' },
    ]);
    expect(findIdentifiers('骗子的微信号：Li_Laoshi88，QQ号 123456789')).to.deep.equal([
      { kind: 'account', value: 'Li_Laoshi88' }, { kind: 'account', value: '123456789' },
    ]);
    expect(findIdentifiers('客服电话 400-123-4567')).to.deep.equal([{ kind: 'phone', value: '4001234567' }]);
    // A date, an amount, an e-mail address and a service line are not identifiers.
    expect(findIdentifiers('2025-11-26 转了5000元，邮箱 ab@qq.com，打了96110')).to.deep.equal([]);
  });

  it('raises a verdict to high with the reports\' reason first, keeping the checker pure', () => {
    const checker = defaultFraudChecker();
    const low = checker.check('晚上一起吃饭，有事打我电话17012345678');
    expect(low.risk).to.equal('low');
    const raised = raisedByReports(low, [{ kind: 'phone', value: '17012345678' }]);
    expect(raised.risk).to.equal('high');
    expect(raised.reasons).to.deep.equal(['这个号码已被多位市民举报']);
    expect(raised.advice).to.include('110');
    expect(checker.check('晚上一起吃饭，有事打我电话17012345678')).to.deep.equal(low);
    expect(raisedByReports(low, [])).to.equal(low);
  });
});

describe(`scam reports: from the chat to the verdict and the staff list (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext;
  const clock = new MovableClock(new Date('2026-04-10T02:00:00.000Z'));

  beforeEach(async () => {
    clock.t = new Date('2026-04-10T02:00:00.000Z');
    ctx = await alertsContext(clock);
  });
  afterEach(async () => { await ctx.close(); });

  const say = async (openid: string, text: string) => {
    clock.t = new Date(clock.t.getTime() + 60_000);
    return texts(await ctx.services.bot.handle(input({ kind: 'text', text }, citizen(openid))));
  };
  const rows = () => ctx.services.db.sequelize.query<{ kind: string; identifier: string; citizen_hash: string }>(
    'SELECT kind, identifier, citizen_hash FROM scam_reports ORDER BY id', { type: QueryTypes.SELECT },
  );
  const benign = '鉴诈 晚上一起吃饭，有事打我电话17012345678';

  it('counts distinct citizens, the same one once, and raises the verdict of another citizen at the threshold', async () => {
    const first = await say('o-citizen-a', '举报诈骗电话 170-1234-5678');
    expect(first).to.include('谢谢您').and.include('号码 17012345678').and.not.include('之前举报过');
    // The same citizen again, in another notation: still one report.
    expect(await say('o-citizen-a', '这个号码是骗子 +86 17012345678')).to.include('号码 17012345678（您之前举报过）');
    expect(await say('o-citizen-b', '这个号码是骗子 17012345678')).to.include('谢谢您');
    expect(await rows()).to.have.length(2);

    // Two citizens are not yet enough (config alerts.reportThreshold, default 3).
    expect(await say('o-checker', benign)).to.match(/^【暂未发现明显风险】/);

    // A third citizen: a high verdict offers 「举报」, which reports what the text contained.
    const verdict = await say('o-citizen-c', '鉴诈 您的账户涉嫌洗钱，请立即联系17012345678，把钱转到安全账户');
    expect(verdict).to.match(/^【高风险】/).and.include('回复「举报」把这个号码报给我们');
    expect(await say('o-citizen-c', '举报')).to.include('谢谢您').and.include('号码 17012345678');
    const stored = await rows();
    expect(stored).to.have.length(3);
    expect(new Set(stored.map((r) => r.citizen_hash)).size).to.equal(3);
    for (const r of stored) {
      expect(r.citizen_hash).to.match(/^[0-9a-f]{64}$/);
      expect(r.citizen_hash).to.not.include('o-citizen');
    }

    // Now another citizen's check of the same number is high, with the reports' reason.
    const raised = await say('o-checker', benign);
    expect(raised).to.match(/^【高风险】/).and.include('· 这个号码已被多位市民举报').and.include('110');
    // Also written in another notation.
    expect(await say('o-checker-2', '鉴诈 有事打我电话 +86 170 1234 5678')).to.include('这个号码已被多位市民举报');
    // A text without it is judged by the checker alone.
    expect(await say('o-checker', '鉴诈 晚上一起吃饭，有事打我电话17099998888')).to.not.include('多位市民举报');
    // Asked in plain words, without 鉴诈, the answer is raised the same way.
    const asked = await say('o-asker', '17012345678给我打电话，这个是不是骗子');
    expect(asked).to.include('您发来的内容我帮您看了一下').and.include('【高风险】').and.include('这个号码已被多位市民举报');
    expect(await say('o-asker-2', '17099998888给我打电话，这个是不是骗子')).to.not.include('多位市民举报');
  });

  it('「举报」 after a high verdict is for the next message only; otherwise it starts a tip as before', async () => {
    await say('o-late', '鉴诈 您的账户涉嫌洗钱，请立即联系17012345678，把钱转到安全账户');
    await say('o-late', '谢谢');
    expect(await say('o-late', '举报')).to.include('类别');
    expect(await rows()).to.have.length(0);
    // 「这个号码是骗子吗」 is a question for 鉴诈, not a report.
    expect(await say('o-asker', '这个号码是骗子吗 17012345678')).to.not.include('已经记下了');
    expect(await rows()).to.have.length(0);
  });

  it('a reported site covers its pages, and a reported account is found inside a text', async () => {
    for (const who of ['o-1', 'o-2', 'o-3']) {
      expect(await say(who, '这个网址是骗子 http://WWW.Fake-Refund.TOP/')).to.include('网址 fake-refund.top');
      expect(await say(who, `举报诈骗微信号 Li_Laoshi88`)).to.include('账号 Li_Laoshi88');
    }
    expect(await say('o-4', '鉴诈 退款请登录 https://fake-refund.top/login?order=1')).to.include('这个网址已被多位市民举报');
    expect(await say('o-4', '鉴诈 老师说加他Li_Laoshi88一起学理财')).to.include('这个账号已被多位市民举报');
    // Case counts in an account: another spelling is another account.
    expect(await say('o-4', '鉴诈 老师说加他li_laoshi88一起学理财')).to.not.include('这个账号已被多位市民举报');
  });

  it('lists identifiers at the threshold as candidates for staff only', async () => {
    for (const who of ['o-1', 'o-2', 'o-3']) await say(who, '举报诈骗电话 17012345678');
    await say('o-1', '举报诈骗电话 17012345678');
    for (const who of ['o-1', 'o-2']) await say(who, '举报诈骗电话 13800001111');
    const editor = (await staffAgent(ctx, { username: 'editor1', role: 'editor' })).agent;
    const items = bodyOf<{ items: Array<ScamCandidate & { kindLabel: string }> }>(await editor.get('/api/staff/alerts/candidates').expect(200)).items;
    expect(items).to.have.length(1);
    expect(items[0]).to.include({ kind: 'phone', kindLabel: '电话', identifier: '17012345678', citizens: 3 });
    expect(new Date(items[0]!.firstReportedAt).toISOString()).to.equal(new Date('2026-04-10T02:01:00.000Z').toISOString());
    expect(new Date(items[0]!.lastReportedAt).toISOString()).to.equal(new Date('2026-04-10T02:04:00.000Z').toISOString());

    expect(errorOf(await request(ctx.callback).get('/api/staff/alerts/candidates').expect(401)).code).to.equal('UNAUTHENTICATED');
    const triage = (await staffAgent(ctx, { username: 'triage1', role: 'triage' })).agent;
    expect(errorOf(await triage.get('/api/staff/alerts/candidates').expect(403)).code).to.equal('FORBIDDEN');
  });

  it('follows config alerts.reportThreshold', async () => {
    await ctx.close();
    ctx = await alertsContext(clock, { alerts: { reportThreshold: 1 } });
    await say('o-only', '举报诈骗电话 17012345678');
    expect(await say('o-checker', benign)).to.include('这个号码已被多位市民举报');
  });
});
