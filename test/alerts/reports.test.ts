// Citizens' reports of scam identifiers and staff's review: the normal forms, one row per
// identifier and citizen (the same citizen twice counts once, stored only as a keyed hash), the
// threshold making a candidate (never a verdict), staff confirming (鉴诈 then warns everyone) or
// dismissing (and the candidate coming back after new citizens report it), who may review, CSRF
// on the forms, the daily cap per citizen on Beijing days, and the retention purge. Through the
// composed app's engine (real reports desk, real database), its staff API and staff pages.
import { expect } from 'chai';
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { findIdentifiers, lookupValues, normaliseAccount, normalisePhone, normaliseUrl } from '../../src/alerts/reports/identifiers.js';
import { raisedByReports } from '../../src/bot/intents/fraud-check.js';
import { defaultFraudChecker } from '../../src/alerts/fraud/index.js';
import { createScamReports, type ScamCandidate, type ScamDecision } from '../../src/alerts/reports/service.js';
import type { ConfigOverrides } from '../../src/config/index.js';
import { bodyOf, errorOf } from '../support/api.js';
import { recordStatements, usingMysql } from '../support/database.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { addStaff, staffAgent, type Agent } from '../tips/helpers.js';
import { consoleAgent } from '../articles/editor-helpers.js';
import { citizen, input, texts } from '../bot/engine-harness.js';
import { MovableClock } from './alerts-helpers.js';

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

  it('raises a verdict to high with the confirmation\'s reason first, keeping the checker pure', () => {
    const checker = defaultFraudChecker();
    const low = checker.check('晚上一起吃饭，有事打我电话17012345678');
    expect(low.risk).to.equal('low');
    const raised = raisedByReports(low, [{ kind: 'phone', value: '17012345678' }]);
    expect(raised.risk).to.equal('high');
    expect(raised.reasons).to.deep.equal(['这个号码经工作人员核实，是诈骗号码']);
    expect(raised.advice).to.include('110');
    expect(checker.check('晚上一起吃饭，有事打我电话17012345678')).to.deep.equal(low);
    expect(raisedByReports(low, [])).to.equal(low);
  });

  it('raises a number alone, which the checker cannot judge, to high once staff confirmed it', () => {
    const alone = defaultFraudChecker().check('17012345678是骗子吗');
    expect(alone.risk).to.equal('unknown');
    const raised = raisedByReports(alone, [{ kind: 'phone', value: '17012345678' }]);
    expect(raised.risk).to.equal('high');
    expect(raised.reasons).to.deep.equal(['这个号码经工作人员核实，是诈骗号码']);
    expect(raised.advice).to.include('这很可能是诈骗').and.not.include('光凭一个号码');
  });
});

describe(`scam reports: from the chat to staff's review and the verdict (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let logLines: string[];
  const clock = new MovableClock(new Date('2026-04-10T02:00:00.000Z'));

  async function setUp(overrides: ConfigOverrides = {}) {
    logLines = [];
    ctx = await createTestContext({ ...overrides, articles: { contentDir: '' } }, {
      now: clock.now, logLevel: 'info', logSink: { write: (line: string) => { logLines.push(line); } },
    });
  }
  beforeEach(async () => {
    clock.t = new Date('2026-04-10T02:00:00.000Z');
    await setUp();
  });
  afterEach(async () => { await ctx.close(); });

  const say = async (openid: string, text: string) => {
    clock.t = new Date(clock.t.getTime() + 60_000);
    return texts(await ctx.services.bot.handle(input({ kind: 'text', text }, citizen(openid))));
  };
  const rows = () => ctx.services.db.sequelize.query<{ kind: string; identifier: string; citizen_hash: string }>(
    'SELECT kind, identifier, citizen_hash FROM scam_reports ORDER BY id', { type: QueryTypes.SELECT },
  );
  const decisions = () => ctx.services.db.sequelize.query<{ kind: string; identifier: string; state: string; decided_by: number }>(
    'SELECT kind, identifier, state, decided_by FROM scam_identifiers ORDER BY id', { type: QueryTypes.SELECT },
  );
  const editor = async (username = 'editor1') => staffAgent(ctx, { username, role: 'editor' });
  type CandidatesBody = { items: Array<ScamCandidate & { kindLabel: string }>; confirmed: Array<ScamDecision & { kindLabel: string }>; mayReview: boolean };
  const candidatesOf = async (agent: Agent) => bodyOf<CandidatesBody>(await agent.get('/api/staff/alerts/candidates').expect(200));
  const review = (agent: Agent, action: 'confirm' | 'dismiss', kind: string, identifier: string) =>
    agent.post(`/api/staff/alerts/candidates/${action}`).send({ kind, identifier });
  const benign = '鉴诈 晚上一起吃饭，有事打我电话17012345678';
  const reportPhone = async (openids: readonly string[], phone = '17012345678') => {
    for (const who of openids) await say(who, `举报诈骗电话 ${phone}`);
  };

  it('counts distinct citizens; at the threshold the number is a candidate for staff, and still no verdict', async () => {
    const first = await say('o-citizen-a', '举报诈骗电话 170-1234-5678');
    expect(first).to.include('谢谢您').and.include('号码 17012345678').and.not.include('之前举报过');
    // Truthful: reports are checked by staff before anyone is warned.
    expect(first).to.include('工作人员核实是诈骗以后').and.not.include('举报的人多了');
    // The same citizen again, in another notation: still one report.
    expect(await say('o-citizen-a', '这个号码是骗子 +86 17012345678')).to.include('号码 17012345678（您之前举报过）');
    expect(await say('o-citizen-b', '这个号码是骗子 17012345678')).to.include('谢谢您');
    expect(await rows()).to.have.length(2);

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

    // Three citizens (config alerts.reportThreshold): a candidate for staff …
    const { agent } = await editor();
    const { items, confirmed, mayReview } = await candidatesOf(agent);
    expect(items.map((c) => c.identifier)).to.deep.equal(['17012345678']);
    expect(items[0]).to.include({ kind: 'phone', kindLabel: '电话', citizens: 3, dismissedAt: null });
    expect(confirmed).to.deep.equal([]);
    expect(mayReview).to.equal(true);
    // … but an unreviewed claim brands nobody's number: another citizen's check is the checker's alone.
    const unreviewed = await say('o-checker', benign);
    expect(unreviewed).to.match(/^【暂未发现明显风险】/).and.not.include('核实').and.not.include('举报');
    expect(await decisions()).to.deep.equal([]);
  });

  it('a confirmed number makes every citizen\'s 鉴诈 high, saying staff checked it; the decision is recorded and logged without the number', async () => {
    await reportPhone(['o-1', 'o-2', 'o-3']);
    const { agent, staff } = await editor();
    const res = bodyOf<{ decision: ScamDecision & { kindLabel: string } }>(await review(agent, 'confirm', 'phone', '17012345678').expect(200));
    expect(res.decision).to.include({ kind: 'phone', identifier: '17012345678', state: 'confirmed', decidedBy: staff.id, citizens: 3, kindLabel: '电话' });
    expect(new Date(res.decision.decidedAt).toISOString()).to.equal(clock.t.toISOString());
    expect(await decisions()).to.deep.equal([{ kind: 'phone', identifier: '17012345678', state: 'confirmed', decided_by: staff.id }]);

    const raised = await say('o-checker', benign);
    expect(raised).to.match(/^【高风险】/).and.include('· 这个号码经工作人员核实，是诈骗号码').and.include('110');
    expect(raised).to.not.include('多位市民');
    // Also written in another notation, and asked in plain words without 鉴诈.
    expect(await say('o-checker-2', '鉴诈 有事打我电话 +86 170 1234 5678')).to.include('这个号码经工作人员核实，是诈骗号码');
    const asked = await say('o-asker', '17012345678给我打电话，这个是不是骗子');
    expect(asked).to.include('您发来的内容我帮您看了一下').and.include('【高风险】').and.include('经工作人员核实');
    // A text without it is judged by the checker alone.
    expect(await say('o-checker', '鉴诈 晚上一起吃饭，有事打我电话17099998888')).to.not.include('核实');

    // No longer a candidate; listed as confirmed.
    const after = await candidatesOf(agent);
    expect(after.items).to.deep.equal([]);
    expect(after.confirmed.map((c) => [c.identifier, c.state])).to.deep.equal([['17012345678', 'confirmed']]);
    // Confirming again changes nothing.
    await review(agent, 'confirm', 'phone', '17012345678').expect(200);
    expect(await decisions()).to.have.length(1);

    // One structured line per decision: staff id, kind, decision; never the number.
    const reviewed = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'scam identifier reviewed');
    expect(reviewed).to.have.length(1);
    expect(reviewed[0]).to.include({ staffId: staff.id, kind: 'phone', decision: 'confirmed', citizens: 3 });
    for (const line of logLines) expect(line).to.not.include('17012345678').and.not.include('o-1');

    // A confirmation made by mistake is undone by 不是诈骗: the warning stops at once.
    await review(agent, 'dismiss', 'phone', '17012345678').expect(200);
    expect(await say('o-checker', benign)).to.match(/^【暂未发现明显风险】/);
    expect((await candidatesOf(agent)).confirmed).to.deep.equal([]);
  });

  it('a dismissed number is no candidate and raises nothing, until enough new citizens report it after the dismissal', async () => {
    await reportPhone(['o-1', 'o-2', 'o-3']);
    const { agent } = await editor();
    const dismissed = bodyOf<{ decision: ScamDecision }>(await review(agent, 'dismiss', 'phone', '17012345678').expect(200)).decision;
    expect(dismissed.state).to.equal('dismissed');
    expect((await candidatesOf(agent)).items).to.deep.equal([]);
    expect(await say('o-checker', benign)).to.match(/^【暂未发现明显风险】/);

    // The same citizens again, and two new ones: not yet threshold-many new citizens.
    await reportPhone(['o-1', 'o-2', 'o-3', 'o-4', 'o-5']);
    expect((await candidatesOf(agent)).items).to.deep.equal([]);
    // A third new citizen since the dismissal: a candidate again, marked as dismissed before.
    await reportPhone(['o-6']);
    const back = (await candidatesOf(agent)).items;
    expect(back).to.have.length(1);
    expect(back[0]).to.include({ identifier: '17012345678', citizens: 6 });
    expect(new Date(back[0]!.dismissedAt!).toISOString()).to.equal(new Date(dismissed.decidedAt).toISOString());
    // Still no verdict until staff confirm it.
    expect(await say('o-checker', benign)).to.match(/^【暂未发现明显风险】/);
    await review(agent, 'confirm', 'phone', '17012345678').expect(200);
    expect(await say('o-checker', benign)).to.match(/^【高风险】/);
  });

  it('a confirmed site covers its pages, and a confirmed account is found inside a text, case counting', async () => {
    for (const who of ['o-1', 'o-2', 'o-3']) {
      expect(await say(who, '这个网址是骗子 http://WWW.Fake-Refund.TOP/')).to.include('网址 fake-refund.top');
      expect(await say(who, `举报诈骗微信号 Li_Laoshi88`)).to.include('账号 Li_Laoshi88');
    }
    // Reported only: nothing is raised.
    expect(await say('o-4', '鉴诈 退款请登录 https://fake-refund.top/login?order=1')).to.not.include('核实');
    expect(await say('o-4', '鉴诈 老师说加他Li_Laoshi88一起学理财')).to.not.include('核实');
    const { agent } = await editor();
    await review(agent, 'confirm', 'url', 'fake-refund.top').expect(200);
    await review(agent, 'confirm', 'account', 'Li_Laoshi88').expect(200);
    expect(await say('o-4', '鉴诈 退款请登录 https://fake-refund.top/login?order=1')).to.include('这个网址经工作人员核实，是诈骗网址');
    // The account list is cached per process; a decision drops it at once.
    expect(await say('o-4', '鉴诈 老师说加他Li_Laoshi88一起学理财')).to.include('这个账号经工作人员核实，是诈骗账号');
    expect(await say('o-4', '鉴诈 老师说加他li_laoshi88一起学理财')).to.not.include('核实');
  });

  it('the review needs the right to take down alerts, names a candidate or a decided identifier, and takes JSON from the console only', async () => {
    await reportPhone(['o-1', 'o-2', 'o-3']);
    await reportPhone(['o-1', 'o-2'], '13800001111');
    expect(errorOf(await request(ctx.callback).post('/api/staff/alerts/candidates/confirm').set('Origin', ctx.config.publicOrigin)
      .send({ kind: 'phone', identifier: '17012345678' }).expect(401)).code).to.equal('UNAUTHENTICATED');
    for (const role of ['triage', 'supervisor']) {
      const { agent } = await staffAgent(ctx, { username: `${role}1`, role });
      expect(errorOf(await review(agent, 'confirm', 'phone', '17012345678').expect(403)).code, role).to.equal('FORBIDDEN');
      expect(errorOf(await agent.get('/api/staff/alerts/candidates').expect(403)).code, role).to.equal('FORBIDDEN');
    }
    const { agent } = await editor();
    // Two citizens are not enough: nothing to decide on.
    expect(errorOf(await review(agent, 'confirm', 'phone', '13800001111').expect(404)).code).to.equal('SCAM_IDENTIFIER_NOT_FOUND');
    expect(errorOf(await review(agent, 'confirm', 'phone', '13900000000').expect(404)).code).to.equal('SCAM_IDENTIFIER_NOT_FOUND');
    expect(errorOf(await review(agent, 'confirm', 'email', '17012345678').expect(400)).code).to.equal('VALIDATION_FAILED');
    expect(errorOf(await agent.post('/api/staff/alerts/candidates/confirm').send({ kind: 'phone', identifier: '17012345678', extra: 1 }).expect(400)).code)
      .to.equal('VALIDATION_FAILED');
    // From another site: refused before anything is read.
    expect(errorOf(await agent.post('/api/staff/alerts/candidates/confirm').set('Origin', 'https://evil.example')
      .send({ kind: 'phone', identifier: '17012345678' }).expect(403)).code).to.equal('ORIGIN_MISMATCH');
    expect(await decisions()).to.deep.equal([]);
    // The admin has every right.
    const admin = (await staffAgent(ctx, { username: 'chief', role: 'admin' })).agent;
    await review(admin, 'dismiss', 'phone', '17012345678').expect(200);
    expect((await decisions()).map((d) => d.state)).to.deep.equal(['dismissed']);
  });

  it('the staff page reviews with CSRF-checked forms and shows what was confirmed', async () => {
    await reportPhone(['o-1', 'o-2', 'o-3']);
    await addStaff(ctx, { username: 'reviewer', role: 'editor', displayName: '李审核' });
    const reviewer = await consoleAgent(ctx, 'reviewer', '/staff/alerts');
    const post = (path: string, body: Record<string, string>) =>
      reviewer.agent.post(path).set('Origin', ctx.config.publicOrigin).type('form').send(body);
    const panelOf = (html: string) => /<section class="card candidates"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';

    const list = await reviewer.agent.get('/staff/alerts').expect(200);
    const panel = panelOf(list.text);
    expect(panel).to.contain('action="/staff/alerts/candidates/confirm"').and.contain('action="/staff/alerts/candidates/dismiss"');
    expect(panel).to.contain('确认是诈骗').and.contain('不是诈骗').and.contain('name="_csrf"');
    expect(panel).to.not.contain('id="confirmed-table"');

    // Without the page's token, or with another's: refused, nothing decided.
    expect((await post('/staff/alerts/candidates/confirm', { kind: 'phone', identifier: '17012345678' }).expect(403)).text).to.contain('页面已过期');
    await post('/staff/alerts/candidates/confirm', { _csrf: 'forged', kind: 'phone', identifier: '17012345678' }).expect(403);
    expect(await decisions()).to.deep.equal([]);

    const done = await post('/staff/alerts/candidates/confirm', { _csrf: reviewer.token, kind: 'phone', identifier: '17012345678' }).expect(303);
    expect(done.headers.location).to.equal('/staff/alerts?done=confirm#candidates');
    const after = await reviewer.agent.get('/staff/alerts?done=confirm').expect(200);
    expect(after.text).to.contain('已确认是诈骗。市民用「鉴诈」查到它时，会看到【高风险】提醒。');
    const shown = panelOf(after.text);
    expect(shown).to.contain('id="no-candidates"');
    const confirmedTable = /<table[^>]*id="confirmed-table"[\s\S]*?<\/table>/.exec(shown)?.[0] ?? '';
    expect(confirmedTable).to.contain('17012345678').and.contain('李审核').and.contain('改为不是诈骗');
    // A confirmed number may begin an alert.
    const form = await reviewer.agent.get('/staff/alerts/new?kind=phone&identifier=17012345678').expect(200);
    expect(form.text).to.contain('（已有 3 位市民举报）');
    expect(await say('o-checker', benign)).to.match(/^【高风险】/);

    // Changed back from the confirmed list.
    await post('/staff/alerts/candidates/dismiss', { _csrf: reviewer.token, kind: 'phone', identifier: '17012345678' }).expect(303);
    expect((await reviewer.agent.get('/staff/alerts?done=dismiss').expect(200)).text).to.contain('已记为不是诈骗').and.not.contain('id="confirmed-table"');
    expect(await say('o-checker', benign)).to.match(/^【暂未发现明显风险】/);

    // Triage has no alerts pages at all.
    await addStaff(ctx, { username: 'triage1', role: 'triage' });
    const triage = await consoleAgent(ctx, 'triage1', '/staff/queue');
    await triage.agent.post('/staff/alerts/candidates/confirm').set('Origin', ctx.config.publicOrigin).type('form')
      .send({ _csrf: triage.token, kind: 'phone', identifier: '17012345678' }).expect(403);
    expect((await decisions()).map((d) => d.state)).to.deep.equal(['dismissed']);
  });

  it('caps a citizen\'s new reports per Beijing day: beyond it nothing is stored or counted, and the next day is open again', async () => {
    // 23:40 Beijing time on 10 April.
    clock.t = new Date('2026-04-10T15:40:00.000Z');
    for (let i = 0; i < 9; i += 1) expect(await say('o-busy', `举报诈骗电话 1300000000${i}`)).to.include('已经记下了');
    // The tenth fits, the eleventh in the same message does not.
    const split = await say('o-busy', '举报诈骗电话 13000000009，还有网址 http://cap-test.top');
    expect(split).to.include('号码 13000000009').and.include('今天能记的举报已经满了').and.include('下面这些没有记下').and.include('网址 cap-test.top');
    expect(split).to.include('96110');
    // Over the limit: said plainly, nothing stored.
    const full = await say('o-busy', '举报诈骗电话 13100000000');
    expect(full).to.include('今天能记的举报已经满了').and.include('这次没有记下').and.include('96110').and.not.include('谢谢您');
    expect(await rows()).to.have.length(10);
    // What they reported before still says so (no new row).
    expect(await say('o-busy', '举报诈骗电话 13000000001')).to.include('（您之前举报过）');
    expect(await rows()).to.have.length(10);
    // Refused reports never count toward the threshold.
    await reportPhone(['o-2', 'o-3'], '13100000000');
    const { agent } = await editor();
    expect((await candidatesOf(agent)).items).to.deep.equal([]);

    // 23:59 Beijing time: still full. 00:00 on 11 April: a new day.
    clock.t = new Date('2026-04-10T15:58:30.000Z');
    expect(await say('o-busy', '举报诈骗电话 13100000001')).to.include('今天能记的举报已经满了');
    expect(clock.t.toISOString()).to.equal('2026-04-10T15:59:30.000Z');
    expect(await say('o-busy', '举报诈骗电话 13100000001')).to.include('已经记下了').and.not.include('满了');
    expect(clock.t.toISOString()).to.equal('2026-04-10T16:00:30.000Z');
    expect(await rows()).to.have.length(13);
  });

  it('follows config alerts.reportDailyLimit and alerts.reportThreshold', async () => {
    await ctx.close();
    await setUp({ alerts: { reportDailyLimit: 1, reportThreshold: 1 } });
    expect(await say('o-only', '举报诈骗电话 17012345678')).to.include('已经记下了');
    expect(await say('o-only', '举报诈骗电话 17099998888')).to.include('今天能记的举报已经满了');
    const { agent } = await editor();
    expect((await candidatesOf(agent)).items.map((c) => c.identifier)).to.deep.equal(['17012345678']);
    expect(await say('o-checker', benign)).to.match(/^【暂未发现明显风险】/);
  });

  it('the purge deletes reports past retention by their latest report, in chunks, and keeps the decisions', async () => {
    const { reports } = ctx.services.alerts;
    const t0 = new Date('2026-04-10T02:00:00.000Z');
    const day = 86_400_000;
    const report = (id: string, value: string, at: Date) => reports.report({ channel: 'official_account', id }, [{ kind: 'phone', value }], at);
    // Five old rows (181 days before now), one old row reported again since, two recent.
    for (let i = 0; i < 5; i += 1) await report(`o-old-${i}`, '17012345678', new Date(t0.getTime() - 181 * day));
    await report('o-again', '17012345678', new Date(t0.getTime() - 200 * day));
    await report('o-again', '17012345678', new Date(t0.getTime() - 10 * day));
    await report('o-new-1', '17012345678', new Date(t0.getTime() - 179 * day));
    await report('o-new-2', '13800001111', new Date(t0.getTime() - day));
    const { agent } = await editor();
    await review(agent, 'confirm', 'phone', '17012345678').expect(200);
    expect(await rows()).to.have.length(8);

    // Chunks of two: two full statements and a short one.
    const small = createScamReports({
      db: ctx.services.db, logger: ctx.services.logger, citizenHash: () => 'x', threshold: 3, dailyLimit: 10, retentionDays: 180,
      options: { selfPublish: false }, now: clock.now, purgeChunk: 2,
    });
    const statements = await recordStatements(ctx.services.db.sequelize, async () => {
      expect(await small.purge()).to.equal(5);
    });
    expect(statements.filter((s) => /^DELETE FROM scam_reports/.test(s))).to.have.length(3);
    expect(await rows()).to.have.length(3);
    expect(await reports.purge()).to.equal(0);
    // A row within retention is kept until its day comes (180 days after its latest report).
    clock.t = new Date(t0.getTime() + 2 * day);
    expect(await reports.purge()).to.equal(1);
    expect((await rows()).length).to.equal(2);
    // Decisions hold no citizen data and stay: the number is still confirmed.
    expect(await decisions()).to.have.length(1);
    expect(await say('o-checker', benign)).to.match(/^【高风险】/);
  });
});
