// Publishing an alert starts its push, through the staff API: the channels in the publish body
// (default customer-service messages), an unavailable channel refused before anything is
// published, exactly one push per publication with the alert's region and channels, the pushes
// with their progress and reasons, and pause / resume / cancel; only editors and the admin.
import { expect } from 'chai';
import request from 'supertest';
import type { ConfigOverrides } from '../../src/config/index.js';
import { bodyOf, errorOf } from '../support/api.js';
import { usingMysql } from '../support/database.js';
import type { TestContext } from '../support/harness.js';
import { staffAgent, type Agent } from '../tips/helpers.js';
import type { PushView } from '../../src/alerts/push-desk.js';
import { alertInput, alertsContext, MovableClock, SANYUAN, SHAXIAN, YONGAN, type AlertBody } from './alerts-helpers.js';

const HOUR = 3600_000;
const CUSTOM = '/cgi-bin/message/custom/send';

interface PushesBody { items: PushView[] }
interface PushBody { push: PushView }

describe(`alerts: publishing starts the push, staff API (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext;
  let writer: Agent;
  let reviewer: Agent;
  let triage: Agent;
  let reviewerId: number;

  async function setUp(overrides: ConfigOverrides = {}) {
    // Alerts are judged on the moved clock (valid until 2026-05-31); the push keeps real time.
    ctx = await alertsContext(new MovableClock(new Date('2026-04-30T02:00:00.000Z')), overrides);
    writer = (await staffAgent(ctx, { username: 'writer', role: 'editor' })).agent;
    const r = await staffAgent(ctx, { username: 'reviewer', role: 'editor' });
    reviewer = r.agent;
    reviewerId = r.staff.id;
    triage = (await staffAgent(ctx, { username: 'triage1', role: 'triage' })).agent;
  }
  afterEach(async () => { await ctx.close(); });

  /** Followers of `county` who last wrote `ago` ms before now (real time: the push's clock). */
  async function followers(county: string, n: number, prefix: string, ago = HOUR): Promise<string[]> {
    const now = Date.now();
    const openids = Array.from({ length: n }, (_, i) => `${prefix}_${i}`);
    await ctx.services.followers.models.Follower.bulkCreate(openids.map((openid) => ({
      openid, subscribed: true, subscribedAt: new Date(now - 30 * 24 * HOUR), unsubscribedAt: null, countyCode: county, countySource: 'asked',
      countyAt: new Date(now), countyAskedAt: null, countyDeclinedAt: null, lastInteractionAt: new Date(now - ago), tagCountyCode: null,
      tagPending: true, tagSyncedAt: null, tagError: null, createdAt: new Date(now), updatedAt: new Date(now),
    })));
    return openids;
  }

  /** Written by the writer and submitted: ready for the reviewer to publish. */
  async function submitted(over: Record<string, unknown> = {}): Promise<number> {
    const a = bodyOf<AlertBody>(await writer.post('/api/staff/alerts').send(alertInput(over)).expect(201)).alert;
    await writer.post(`/api/staff/alerts/${a.id}/submit`).expect(200);
    return a.id;
  }
  const jobs = (alertId: number) => ctx.services.alertPush.models.Job.findAll({ where: { alertId } });
  const stateOf = async (id: number) => (await ctx.services.alerts.repo.byId(id))!.state;
  /** What a worker's upkeep does first: the recipients of a just-published push listed. */
  const listed = () => ctx.services.alertPush.service.resumeSnapshots();

  it('publishing starts exactly one push: the alert\'s counties, the chosen channels, its public page, the publisher', async () => {
    await setUp({ wechat: { templates: { tipStatus: '', alert: 'TPL-ALERT' } } });
    await followers(SANYUAN, 3, 'sy');
    await followers(YONGAN, 2, 'ya');
    await followers(SHAXIAN, 4, 'sx');
    const id = await submitted({ counties: [YONGAN, SANYUAN] });
    const published = bodyOf<AlertBody>(await reviewer.post(`/api/staff/alerts/${id}/publish`).send({ channels: ['template', 'custom'] }).expect(200)).alert;
    expect(published.state).to.equal('published');

    // The publication records the job; a worker lists its recipients (none inside the request).
    let [job, ...more] = await jobs(id);
    expect(more).to.have.length(0);
    expect(job).to.not.equal(undefined);
    expect(job!).to.include({ state: 'queued', totalCount: 0 });
    expect(JSON.parse(job!.counties!)).to.deep.equal([SANYUAN, YONGAN]);
    expect(job!.channels).to.equal('custom,template');
    expect(job!).to.include({ url: `${ctx.config.publicOrigin}/alerts/${id}`, title: published.title, summary: published.summary, createdBy: reviewerId });
    await listed();
    [job, ...more] = await jobs(id);
    // Five followers in the region, by two channels each; 沙县区's are not listed.
    expect(job!).to.include({ state: 'running', totalCount: 10 });

    // A correction of the live alert does not push again.
    await reviewer.put(`/api/staff/alerts/${id}`).send(alertInput({ counties: [YONGAN, SANYUAN], summary: '更正' })).expect(200);
    expect(await jobs(id)).to.have.length(1);
  });

  it('without channels: customer-service messages to the whole city', async () => {
    await setUp();
    await followers(SANYUAN, 2, 'sy');
    await followers(SHAXIAN, 1, 'sx');
    const id = await submitted();
    await reviewer.post(`/api/staff/alerts/${id}/publish`).expect(200);
    await listed();
    const [job, ...more] = await jobs(id);
    expect(more).to.have.length(0);
    expect(job!).to.include({ channels: 'custom', counties: null, totalCount: 3 });
  });

  it('refuses an unavailable channel before publishing: template not configured, mass quota spent; bad bodies too', async () => {
    await setUp({ wechat: { massQuotaPerDay: 1 } });
    const id = await submitted({ counties: [SANYUAN, YONGAN] });

    const template = errorOf(await reviewer.post(`/api/staff/alerts/${id}/publish`).send({ channels: ['custom', 'template'] }).expect(409));
    expect(template.code).to.equal('ALERT_PUSH_CHANNEL_UNAVAILABLE');
    expect(template.message).to.contain('模板消息');
    // Two counties are two mass sends; one is left today.
    const mass = errorOf(await reviewer.post(`/api/staff/alerts/${id}/publish`).send({ channels: ['mass'] }).expect(409));
    expect(mass.code).to.equal('ALERT_PUSH_QUOTA');
    expect(mass.message).to.contain('这次要群发 2 次，今天还剩 1 次');
    for (const bad of [{ channels: [] }, { channels: ['sms'] }, { channels: 'custom' }, { channels: ['custom'], extra: 1 }]) {
      expect(errorOf(await reviewer.post(`/api/staff/alerts/${id}/publish`).send(bad).expect(400)).code, JSON.stringify(bad)).to.equal('VALIDATION_FAILED');
    }
    // Nothing was published and nothing pushed.
    expect(await stateOf(id)).to.equal('in_review');
    expect(await jobs(id)).to.have.length(0);

    // Rights come before channels: the author and triage learn nothing about the channels.
    expect(errorOf(await writer.post(`/api/staff/alerts/${id}/publish`).send({ channels: ['template'] }).expect(403)).code).to.equal('ALERT_NEEDS_PUBLISHER');
    expect(errorOf(await triage.post(`/api/staff/alerts/${id}/publish`).send({ channels: ['template'] }).expect(403)).code).to.equal('FORBIDDEN');

    // One county is one mass send: that fits.
    const one = await submitted({ counties: [SANYUAN] });
    await reviewer.post(`/api/staff/alerts/${one}/publish`).send({ channels: ['mass'] }).expect(200);
    expect((await jobs(one))[0]!.channels).to.equal('mass');
    // 撤下 before it went out: the mass send is cancelled and its quota slot given back, so a new
    // publication may make it.
    await reviewer.post(`/api/staff/alerts/${one}/unpublish`).expect(200);
    await reviewer.post(`/api/staff/alerts/${one}/publish`).send({ channels: ['mass'] }).expect(200);
    const [again, first] = await jobs(one).then((list) => list.sort((a, b) => b.id - a.id));
    expect(first!.state).to.equal('cancelled');
    expect(await ctx.services.alertPush.models.Mass.count({ where: { alertId: one, jobId: again!.id, state: 'queued' } })).to.equal(1);
    // Once it has gone out, a publication after 撤下 would mass-send again to a county it reached: refused.
    await listed();
    const worker = ctx.services.alertPush.createWorker();
    await worker.runOnce();
    await worker.stop();
    expect(ctx.fakeWechat.massSends).to.have.length(1);
    await reviewer.post(`/api/staff/alerts/${one}/unpublish`).expect(200);
    expect(errorOf(await reviewer.post(`/api/staff/alerts/${one}/publish`).send({ channels: ['mass'] }).expect(409)).code).to.equal('ALERT_PUSH_CHANNEL_UNAVAILABLE');
    expect(await stateOf(one)).to.equal('unpublished');
  });

  it('shows the pushes with progress and reasons; pause, resume and cancel change the state; editors and the admin only', async () => {
    await setUp();
    const recent = await followers(YONGAN, 3, 'ya');
    await followers(YONGAN, 2, 'old', 50 * HOUR);
    const id = await submitted({ counties: [YONGAN] });
    await reviewer.post(`/api/staff/alerts/${id}/publish`).send({ channels: ['custom'] }).expect(200);
    await listed();
    const admin = (await staffAgent(ctx, { username: 'boss', role: 'admin' })).agent;

    let [p] = bodyOf<PushesBody>(await writer.get(`/api/staff/alerts/${id}/pushes`).expect(200)).items;
    expect(p).to.include({ state: 'running', stateLabel: '发送中', total: 5, queued: 5, sent: 0, percent: 0, region: '永安市', channelsLabel: '客服消息', waiting: null });
    expect(p!.can).to.deep.equal({ pause: true, resume: false, cancel: true });
    const job = p!.jobId;

    // Any editor (here the author) or the admin may stop a push going out; triage may not, nor see it.
    expect((bodyOf<PushBody>(await writer.post(`/api/staff/alerts/pushes/${job}/pause`).expect(200))).push).to.include({ state: 'paused', stateLabel: '已暂停' });
    expect(errorOf(await writer.post(`/api/staff/alerts/pushes/${job}/pause`).expect(409)).code).to.equal('ALERT_PUSH_BAD_STATE');
    expect(errorOf(await triage.post(`/api/staff/alerts/pushes/${job}/resume`).expect(403)).code).to.equal('FORBIDDEN');
    expect(errorOf(await triage.get(`/api/staff/alerts/${id}/pushes`).expect(403)).code).to.equal('FORBIDDEN');
    expect(errorOf(await request(ctx.callback).get(`/api/staff/alerts/${id}/pushes`).expect(401)).code).to.equal('UNAUTHENTICATED');
    expect((await ctx.services.alertPush.service.progress(job)).state).to.equal('paused');
    expect((bodyOf<PushBody>(await admin.post(`/api/staff/alerts/pushes/${job}/resume`).expect(200))).push.state).to.equal('running');
    expect(errorOf(await reviewer.post('/api/staff/alerts/pushes/999999/pause').expect(404)).code).to.equal('ALERT_PUSH_NOT_FOUND');

    // The worker sends: those in the 48-hour window get it, the others are skipped with the reason in words.
    const worker = ctx.services.alertPush.createWorker({ idleMs: 50, upkeepMs: 100, lookaheadMs: 100 });
    while ((await worker.runOnce()) > 0) { /* one batch a round */ }
    await worker.stop();
    expect(ctx.fakeWechat.messagesSent.filter((m) => m.path === CUSTOM).map((m) => m.touser)).to.have.members(recent);
    [p] = bodyOf<PushesBody>(await reviewer.get(`/api/staff/alerts/${id}/pushes`).expect(200)).items;
    expect(p).to.include({ state: 'done', stateLabel: '已完成', sent: 3, skipped: 2, failed: 0, queued: 0, percent: 100 });
    expect(p!.reasons).to.deep.equal([{ state: 'skipped', reason: 'outside_window', label: '最近48小时没有和公众号说过话，微信不让发客服消息', count: 2 }]);
    expect(p!.can).to.deep.equal({ pause: false, resume: false, cancel: false });
    expect(errorOf(await reviewer.post(`/api/staff/alerts/pushes/${job}/cancel`).expect(409)).code).to.equal('ALERT_PUSH_BAD_STATE');
  });

  it('cancel skips what is left and says why', async () => {
    await setUp();
    await followers(SANYUAN, 4, 'sy');
    const id = await submitted({ counties: [SANYUAN] });
    await reviewer.post(`/api/staff/alerts/${id}/publish`).expect(200);
    await listed();
    const [p] = bodyOf<PushesBody>(await reviewer.get(`/api/staff/alerts/${id}/pushes`).expect(200)).items;
    const cancelled = bodyOf<PushBody>(await reviewer.post(`/api/staff/alerts/pushes/${p!.jobId}/cancel`).expect(200)).push;
    expect(cancelled).to.include({ state: 'cancelled', stateLabel: '已取消', sent: 0, skipped: 4, queued: 0 });
    expect(cancelled.reasons).to.deep.equal([{ state: 'skipped', reason: 'cancelled', label: '推送已取消，没有再发', count: 4 }]);
    expect(errorOf(await reviewer.post(`/api/staff/alerts/pushes/${p!.jobId}/resume`).expect(409)).code).to.equal('ALERT_PUSH_BAD_STATE');
  });

  it('撤下 stops the alert\'s push still going out: what is left is skipped as cancelled', async () => {
    await setUp();
    await followers(SANYUAN, 3, 'wd');
    const id = await submitted({ counties: [SANYUAN] });
    await reviewer.post(`/api/staff/alerts/${id}/publish`).expect(200);
    await listed();
    let [p] = bodyOf<PushesBody>(await reviewer.get(`/api/staff/alerts/${id}/pushes`).expect(200)).items;
    expect(p!.state).to.equal('running');
    expect(p).to.include({ queued: 3 });
    await reviewer.post(`/api/staff/alerts/${id}/unpublish`).expect(200);
    [p] = bodyOf<PushesBody>(await reviewer.get(`/api/staff/alerts/${id}/pushes`).expect(200)).items;
    expect(p).to.include({ state: 'cancelled', sent: 0, skipped: 3, queued: 0 });
  });
});
