// The staff pages of alerts over HTTP, as a browser without JavaScript uses them: who may open
// them, composing (region, Beijing-time validity, the 「预览」 post, refusals beside their fields),
// submitting, the author's refused publish, publishing with channels and the region's reach,
// the push section and its buttons, escaping, and the candidates panel's prefilled form.
import { expect } from 'chai';
import type { ConfigOverrides } from '../../src/config/index.js';
import { renderMarkdown } from '../../src/articles/render.js';
import { usingMysql } from '../support/database.js';
import type { TestContext } from '../support/harness.js';
import { addStaff, type Agent } from '../tips/helpers.js';
import { consoleAgent } from '../articles/editor-helpers.js';
import { alertsContext, MovableClock, SANYUAN, SHAXIAN, YONGAN } from './alerts-helpers.js';

const HOUR = 3600_000;
const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const textareaOf = (html: string) => unescape(/<textarea id="f-body"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)?.[1] ?? '');
const previewOf = (html: string) => /<div id="preview"[^>]*>([\s\S]*?)<\/div>\s*<\/div>\s*<\/div>/.exec(html)?.[1]?.trim() ?? '';
/** The opening tag of the element with this id. */
const tagOf = (html: string, id: string) => new RegExp(`<[a-z]+[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0] ?? '';

const fields = (over: Record<string, string> = {}) => ({
  title: '冒充“公检法”打电话要转账', summary: '自称民警说您涉嫌洗钱，要您转到安全账户的，都是骗子。', fraudType: 'police', severity: 'severe',
  scope: 'counties', [`county-${YONGAN}`]: '1', [`county-${SANYUAN}`]: '1', validUntil: '2026-05-31T18:00', author: '三明市公安局反诈中心',
  body: '## 骗子怎么说\n\n“您的银行卡涉嫌洗钱。”\n\n公安机关没有安全账户。', ...over,
});

describe(`alerts: staff pages over HTTP (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext;
  let writer: { agent: Agent; token: string };
  let reviewer: { agent: Agent; token: string };
  const post = (who: { agent: Agent; token: string }, path: string, body: Record<string, string>) =>
    who.agent.post(path).set('Origin', ctx.config.publicOrigin).type('form').send({ _csrf: who.token, ...body });

  async function setUp(overrides: ConfigOverrides = {}) {
    ctx = await alertsContext(new MovableClock(new Date('2026-04-30T02:00:00.000Z')), overrides);
    await addStaff(ctx, { username: 'writer', role: 'editor', displayName: '王编辑' });
    await addStaff(ctx, { username: 'reviewer', role: 'editor', displayName: '李审核' });
    await addStaff(ctx, { username: 'triage1', role: 'triage' });
    writer = await consoleAgent(ctx, 'writer', '/staff/alerts');
    reviewer = await consoleAgent(ctx, 'reviewer', '/staff/alerts');
  }
  afterEach(async () => { await ctx.close(); });

  /** Followers of `county` who last wrote `ago` ms before now (real time: the push's clock). */
  async function followers(county: string, n: number, prefix: string, ago = HOUR): Promise<void> {
    const now = Date.now();
    await ctx.services.followers.models.Follower.bulkCreate(Array.from({ length: n }, (_, i) => ({
      openid: `${prefix}_${i}`, subscribed: true, subscribedAt: new Date(now - 30 * 24 * HOUR), unsubscribedAt: null, countyCode: county,
      countySource: 'asked', countyAt: new Date(now), countyAskedAt: null, countyDeclinedAt: null, lastInteractionAt: new Date(now - ago),
      tagCountyCode: null, tagPending: true, tagSyncedAt: null, tagError: null, createdAt: new Date(now), updatedAt: new Date(now),
    })));
  }

  /** Written through the form and submitted by the writer; its id. */
  async function writtenAndSubmitted(over: Record<string, string> = {}): Promise<number> {
    const res = await post(writer, '/staff/alerts/new', { ...fields(over), intent: 'save' }).expect(303);
    const id = Number(/^\/staff\/alerts\/(\d+)\?done=created$/.exec(res.headers.location ?? '')?.[1]);
    await post(writer, `/staff/alerts/${id}/submit`, {}).expect(303);
    return id;
  }

  it('triage gets the error page and no menu entry; editors see 防骗预警 in the menu', async () => {
    await setUp();
    const triage = await consoleAgent(ctx, 'triage1', '/staff/queue');
    for (const path of ['/staff/alerts', '/staff/alerts/new']) {
      const res = await triage.agent.get(path).expect(403);
      expect(res.type).to.equal('text/html');
      expect(res.text).to.contain('无权执行此操作');
    }
    const id = await writtenAndSubmitted();
    expect((await triage.agent.get(`/staff/alerts/${id}`).expect(403)).text).to.contain('无权执行此操作');
    await post(triage, `/staff/alerts/${id}/unpublish`, {}).expect(403);
    await post(triage, '/staff/alerts/new', { ...fields(), intent: 'save' }).expect(403);
    expect((await triage.agent.get('/staff/queue').expect(200)).text).not.to.contain('href="/staff/alerts"');
    const page = await writer.agent.get('/staff/alerts').expect(200);
    expect(page.text).to.match(/<nav class="nav"[\s\S]*href="\/staff\/alerts"[^>]*>防骗预警<\/a>/);
    await writer.agent.get('/staff/alerts/999999').expect(404);
    await writer.agent.get('/staff/alerts/abc').expect(404);
  });

  it('an editor composes with the preview, sees refusals beside their fields, saves and submits', async () => {
    await setUp();
    const blank = await writer.agent.get('/staff/alerts/new').expect(200);
    expect(blank.text).to.contain('id="scope-all" checked').and.contain('data-preview-url="/staff/articles/preview"');
    expect(blank.text).to.contain(`id="county-${SHAXIAN}"`).and.contain('>冒充公检法</option>');

    // 「预览」 without JavaScript: the public renderer, the text kept, nothing saved.
    const preview = await post(writer, '/staff/alerts/new', { ...fields(), intent: 'preview' }).expect(200);
    expect(previewOf(preview.text)).to.equal(renderMarkdown(fields().body).trim());
    expect(textareaOf(preview.text)).to.equal(fields().body);
    expect(await ctx.services.alerts.repo.listAll({ limit: 10 })).to.have.length(0);

    // Counties chosen but none ticked; no fraud type: said beside the fields, the text kept.
    const bad = await post(writer, '/staff/alerts/new', { ...fields({ fraudType: '', [`county-${YONGAN}`]: '', [`county-${SANYUAN}`]: '' }), intent: 'save' }).expect(400);
    expect(bad.text).to.contain('id="f-counties-error"').and.contain('请至少勾选一个县（市、区），或者选「全市」');
    expect(bad.text).to.contain('id="f-fraudType-error"').and.contain('请选择诈骗类型');
    expect(textareaOf(bad.text)).to.equal(fields().body);
    // 全市 with ticked counties is a contradiction, not a guess.
    const both = await post(writer, '/staff/alerts/new', { ...fields({ scope: 'all' }), intent: 'save' }).expect(400);
    expect(both.text).to.contain('选了「全市」，又勾了县（市、区）');

    const id = await writtenAndSubmitted();
    const alert = (await ctx.services.alerts.service.get({ id: 1, role: 'admin' }, id)).alert;
    expect(alert).to.include({ state: 'in_review', fraudType: 'police', severity: 'severe', author: '三明市公安局反诈中心' });
    expect(alert.counties).to.deep.equal([SANYUAN, YONGAN]);
    // 18:00 Beijing time.
    expect(alert.validUntil.toISOString()).to.equal('2026-05-31T10:00:00.000Z');
    const page = await writer.agent.get(`/staff/alerts/${id}`).expect(200);
    expect(tagOf(page.text, 'alert-state')).to.not.equal('');
    expect(page.text).to.contain('待审核').and.contain('三元区、永安市').and.contain('value="2026-05-31T18:00"');

    const list = await writer.agent.get('/staff/alerts').expect(200);
    expect(list.text).to.contain('冒充“公检法”打电话要转账').and.contain('待审核').and.contain('严重').and.contain('三元区、永安市').and.contain('2026-05-31 18:00');

    // Saving the page as shown keeps the stored instant (the form has no seconds): nothing changes.
    const dated = await post(writer, '/staff/alerts/new', { ...fields({ validUntil: '2026-05-20T23:59' }), intent: 'save' }).expect(303);
    const datedId = Number(/(\d+)\?done/.exec(dated.headers.location ?? '')?.[1]);
    await post(writer, `/staff/alerts/${datedId}`, { ...fields({ validUntil: '2026-05-20T23:59' }), baseRevision: '1', intent: 'save' }).expect(303);
    expect((await ctx.services.alerts.repo.byId(datedId))!.revision).to.equal(1);
  });

  it('the author may not publish; a publisher sees the reach and the channels and publishes with 客服消息', async () => {
    await setUp({ wechat: { massQuotaPerDay: 1 } });
    await followers(YONGAN, 3, 'ya');
    await followers(SANYUAN, 2, 'sy', 50 * HOUR);
    await followers(SHAXIAN, 4, 'sx');
    const id = await writtenAndSubmitted();

    const mine = await writer.agent.get(`/staff/alerts/${id}`).expect(200);
    expect(mine.text).to.contain('id="needs-publisher"').and.not.contain(`/staff/alerts/${id}/publish`);
    const refused = await post(writer, `/staff/alerts/${id}/publish`, { 'channel-custom': '1' }).expect(403);
    expect(refused.text).to.contain('自己写过或改过的预警需要另一位编辑或管理员审核发布');
    expect((await ctx.services.alerts.repo.byId(id))!.state).to.equal('in_review');

    const theirs = await reviewer.agent.get(`/staff/alerts/${id}`).expect(200);
    // The region's followers: 5 subscribed in 三元区 and 永安市, 3 of them wrote within 48 hours.
    expect(/id="reach-subscribed">(\d+)</.exec(theirs.text)?.[1]).to.equal('5');
    expect(/id="reach-window">(\d+)</.exec(theirs.text)?.[1]).to.equal('3');
    expect(tagOf(theirs.text, 'channel-custom')).to.contain('checked').and.not.contain('disabled');
    // Two counties need two mass sends; one is left today. No template is configured.
    expect(tagOf(theirs.text, 'channel-mass')).to.contain('disabled');
    expect(theirs.text).to.contain('今天还能群发 1 次').and.contain('这次要用 2 次，今天只剩 1 次');
    expect(tagOf(theirs.text, 'channel-template')).to.contain('disabled');
    expect(theirs.text).to.contain('还没有设置预警用的模板消息，暂时不能选');

    // No channel, or one the page did not offer: refused in the publish form, nothing published.
    const none = await post(reviewer, `/staff/alerts/${id}/publish`, {}).expect(400);
    expect(none.text).to.contain('id="publish-error"').and.contain('请至少选一种发送方式');
    const template = await post(reviewer, `/staff/alerts/${id}/publish`, { 'channel-template': '1' }).expect(409);
    expect(template.text).to.contain('id="publish-error"').and.contain('不能用模板消息发送');
    expect((await ctx.services.alerts.repo.byId(id))!.state).to.equal('in_review');
    expect(await ctx.services.alertPush.models.Job.count({ where: { alertId: id } })).to.equal(0);

    const done = await post(reviewer, `/staff/alerts/${id}/publish`, { 'channel-custom': '1' }).expect(303);
    expect(done.headers.location).to.equal(`/staff/alerts/${id}?done=published#push`);
    const jobs = await ctx.services.alertPush.models.Job.findAll({ where: { alertId: id } });
    expect(jobs).to.have.length(1);
    // The publication records the push; a worker lists its recipients, not the request.
    expect(jobs[0]!).to.include({ channels: 'custom', state: 'queued', totalCount: 0 });
    expect(JSON.parse(jobs[0]!.counties!)).to.deep.equal([SANYUAN, YONGAN]);
    const preparing = await reviewer.agent.get(`/staff/alerts/${id}?done=published`).expect(200);
    expect(tagOf(preparing.text, 'push')).to.contain('data-active');
    expect(preparing.text).to.contain('准备中');
    await ctx.services.alertPush.service.resumeSnapshots();

    const after = await reviewer.agent.get(`/staff/alerts/${id}?done=published`).expect(200);
    expect(after.text).to.contain('已发布。正在推送给关注者');
    expect(tagOf(after.text, 'push')).to.contain('data-active').and.contain(`data-poll-url="/staff/alerts/${id}/pushes.json"`);
    expect(after.text).to.match(/<progress max="100" value="0"/);
    expect(after.text).to.contain('<dd data-field="queued">5</dd>').and.contain('发送中');
    expect(after.text).to.contain(`/staff/alerts/${id}/pushes/${jobs[0]!.id}/pause`);
    expect(after.text).to.contain(`id="push-refresh"`);
    expect(after.text).to.match(/<p class="push-waiting" data-field="waiting" role="status" hidden>/);

    // While WeChat fails, every push waits, and the page says so and until when.
    await ctx.services.alertPush.models.Pace.update(
      { holdLevel: 2, holdReason: 'wechat_busy', nextSlotAt: new Date(Date.now() + 60_000) }, { where: { id: 'account' } },
    );
    const held = await reviewer.agent.get(`/staff/alerts/${id}`).expect(200);
    expect(held.text).to.match(/<p class="push-waiting" data-field="waiting" role="status">微信暂时发不出去，所有推送先停一下，\d\d:\d\d:\d\d 自动再试。<\/p>/);
    await ctx.services.alertPush.models.Pace.update({ holdLevel: 0, holdReason: null, nextSlotAt: new Date() }, { where: { id: 'account' } });

    const json = await reviewer.agent.get(`/staff/alerts/${id}/pushes.json`).expect(200);
    expect(json.type).to.equal('application/json');
    expect(json.body).to.deep.include({ active: true });
    expect((json.body as { pushes: Array<{ total: number; state: string }> }).pushes[0]).to.include({ total: 5, state: 'running' });

    // Pause and cancel by form: Post/Redirect/Get, the buttons follow the state.
    const job = jobs[0]!.id;
    expect((await post(writer, `/staff/alerts/${id}/pushes/${job}/pause`, {}).expect(303)).headers.location).to.equal(`/staff/alerts/${id}?done=paused#push`);
    const paused = await writer.agent.get(`/staff/alerts/${id}?done=paused`).expect(200);
    expect(paused.text).to.contain('推送已暂停').and.contain('已暂停');
    expect(paused.text).to.match(/pushes\/\d+\/pause" class="inline" data-step="pause" hidden>/);
    expect(paused.text).to.match(/pushes\/\d+\/resume" class="inline" data-step="resume">/);
    expect(tagOf(paused.text, 'push')).to.not.contain('data-active');
    const again = await post(writer, `/staff/alerts/${id}/pushes/${job}/pause`, {}).expect(409);
    expect(again.text).to.contain('id="push-error"').and.contain('只有正在发送的推送可以暂停');
    await post(reviewer, `/staff/alerts/${id}/pushes/${job}/cancel`, {}).expect(303);
    expect((await ctx.services.alertPush.service.progress(job)).state).to.equal('cancelled');
    // A push of another alert is not this page's.
    await post(reviewer, `/staff/alerts/${id + 1}/pushes/${job}/resume`, {}).expect(404);
    // The list shows the reach.
    const list = await reviewer.agent.get('/staff/alerts').expect(200);
    expect(list.text).to.contain('已发送 0 / 共 5 人').and.contain('跳过 5 人').and.contain('已取消');
  });

  it('escapes what staff typed: a title with <script> is text on the list and the editor', async () => {
    await setUp();
    const id = await writtenAndSubmitted({ title: '<script>alert("x")</script>标题', summary: '<img src=x onerror=alert(1)>' });
    for (const path of ['/staff/alerts', `/staff/alerts/${id}`]) {
      const res = await reviewer.agent.get(path).expect(200);
      expect(res.text, path).not.to.contain('<script>alert');
      expect(res.text, path).not.to.contain('<img src=x');
      expect(res.text, path).to.contain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;标题');
    }
  });

  it('the candidates panel lists what citizens reported and links to a form begun with it', async () => {
    await setUp();
    const { reports } = ctx.services.alerts;
    const phone = { kind: 'phone' as const, value: '17012345678' };
    const site = { kind: 'url' as const, value: 'pay-refund.example/login' };
    for (let i = 0; i < 3; i += 1) await reports.report({ channel: 'official_account', id: `o_rep_${i}` }, [phone, site], new Date());
    await reports.report({ channel: 'official_account', id: 'o_rep_9' }, [phone], new Date());

    const list = await writer.agent.get('/staff/alerts').expect(200);
    const panel = /<section class="card candidates"[\s\S]*?<\/section>/.exec(list.text)?.[0] ?? '';
    expect(panel).to.contain('17012345678').and.contain('4 人').and.contain('pay-refund.example/login').and.contain('网址');
    const href = unescape(/<a href="([^"]+)" class="candidate-write"[^>]*>据此写预警<\/a>/.exec(panel)?.[1] ?? '');
    expect(href).to.equal('/staff/alerts/new?kind=phone&identifier=17012345678');

    const form = await writer.agent.get(href).expect(200);
    const body = textareaOf(form.text);
    expect(body).to.contain('## 被多位市民举报的电话').and.contain('`17012345678`（已有 4 位市民举报）');
    // The reported address is written as code: never a link citizens could tap.
    const fromSite = textareaOf((await writer.agent.get(`/staff/alerts/new?kind=url&identifier=${encodeURIComponent(site.value)}`).expect(200)).text);
    expect(fromSite).to.contain('被多位市民举报的网址');
    const html = renderMarkdown(fromSite);
    expect(html).to.contain('<code>pay-refund.example/login</code>');
    expect(html).not.to.match(/<a [^>]*href="[^"]*pay-refund/);
    // An identifier nobody reported begins nothing.
    expect(textareaOf((await writer.agent.get('/staff/alerts/new?kind=phone&identifier=13900000000').expect(200)).text)).to.equal('');
  });
});
