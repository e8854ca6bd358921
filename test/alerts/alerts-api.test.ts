// Alerts through the staff API: the article states and rights (editor writes, the author may not
// publish, a second editor or the admin publishes), events and revisions, validation, the push
// hook, and the renderer keeping what editors write inert.
import { expect } from 'chai';
import request from 'supertest';
import { createAlertsModule, type Alert, type AlertPushStarter } from '../../src/alerts/index.js';
import { alertContentHash } from '../../src/alerts/service.js';
import { AppError } from '../../src/platform/errors.js';
import { createSessionStore } from '../../src/staff/sessions.js';
import { defineStaffModels } from '../../src/staff/accounts.js';
import { createLogger } from '../../src/platform/logger.js';
import { bodyOf, errorOf } from '../support/api.js';
import { usingMysql } from '../support/database.js';
import type { TestContext } from '../support/harness.js';
import { staffAgent, type Agent } from '../tips/helpers.js';
import { alertContent, alertInput, alertsContext, MovableClock, SANYUAN, YONGAN, type AlertBody } from './alerts-helpers.js';

interface DetailBody extends AlertBody {
  revisions: Array<{ revision: number; title: string; body?: string }>;
  events: Array<{ type: string; actorId: number | null; fromState: string | null; toState: string | null }>;
}

describe(`alerts: staff API, states and roles (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext;
  let clock: MovableClock;
  let writer: Agent;
  let reviewer: Agent;
  let admin: Agent;
  let triage: Agent;
  let writerId: number;
  let reviewerId: number;

  beforeEach(async () => {
    clock = new MovableClock(new Date('2026-04-30T02:00:00.000Z'));
    ctx = await alertsContext(clock);
    const w = await staffAgent(ctx, { username: 'writer', role: 'editor' });
    const r = await staffAgent(ctx, { username: 'reviewer', role: 'editor' });
    writer = w.agent;
    writerId = w.staff.id;
    reviewer = r.agent;
    reviewerId = r.staff.id;
    admin = (await staffAgent(ctx, { username: 'boss', role: 'admin' })).agent;
    triage = (await staffAgent(ctx, { username: 'triage1', role: 'triage' })).agent;
  });
  afterEach(async () => { await ctx.close(); });

  const create = async (agent: Agent, over: Record<string, unknown> = {}) =>
    bodyOf<AlertBody>(await agent.post('/api/staff/alerts').send(alertInput(over)).expect(201)).alert;

  it('an editor writes and submits; the author may not publish; a second editor publishes; events and revisions are kept', async () => {
    const a = await create(writer, { counties: [YONGAN, SANYUAN] });
    expect(a).to.include({ state: 'draft', revision: 1, fraudType: 'police', fraudTypeName: '冒充公检法', severity: 'severe', severityLabel: '严重', current: true });
    // Counties keep the divisions' order, whatever order they came in; the region reads as names.
    expect(a.counties).to.deep.equal([SANYUAN, YONGAN]);
    expect(a.region).to.equal('三元区、永安市');
    expect(new Date(a.validUntil).toISOString()).to.equal('2026-05-31T15:59:59.999Z');
    expect(a.html).to.include('<h2 id="骗子怎么说">').and.include('<strong>安全账户</strong>');
    expect(a.allowedActions).to.deep.equal(['submit', 'edit']);

    // A draft is not public.
    await request(ctx.callback).get(`/alerts/${a.id}`).expect(404);

    await writer.post(`/api/staff/alerts/${a.id}/submit`).expect(200);
    expect(errorOf(await writer.post(`/api/staff/alerts/${a.id}/publish`).expect(403)).code).to.equal('ALERT_NEEDS_PUBLISHER');
    expect(errorOf(await triage.post(`/api/staff/alerts/${a.id}/publish`).expect(403)).code).to.equal('FORBIDDEN');
    expect(errorOf(await triage.get('/api/staff/alerts').expect(403)).code).to.equal('FORBIDDEN');
    expect(errorOf(await triage.get(`/api/staff/alerts/${a.id}`).expect(403)).code).to.equal('FORBIDDEN');
    expect(errorOf(await request(ctx.callback).get('/api/staff/alerts').expect(401)).code).to.equal('UNAUTHENTICATED');

    const published = bodyOf<AlertBody>(await reviewer.post(`/api/staff/alerts/${a.id}/publish`).expect(200)).alert;
    expect(published).to.include({ state: 'published' });
    expect(new Date(String(published.publishedAt)).toISOString()).to.equal(clock.t.toISOString());
    await request(ctx.callback).get(`/alerts/${a.id}`).expect(200);

    // Publishing twice is a state error; unpublishing takes it off the public pages.
    expect(errorOf(await reviewer.post(`/api/staff/alerts/${a.id}/publish`).expect(409)).code).to.equal('ALERT_BAD_STATE');
    await writer.post(`/api/staff/alerts/${a.id}/unpublish`).expect(200);
    await request(ctx.callback).get(`/alerts/${a.id}`).expect(404);

    // Editing a withdrawn alert makes it a draft again, with a new revision; a stale base is refused.
    const edited = bodyOf<AlertBody>(await writer.put(`/api/staff/alerts/${a.id}`).send(alertInput({ baseRevision: 1, severity: 'warning', body: '新的正文' })).expect(200)).alert;
    expect(edited).to.include({ state: 'draft', revision: 2, severity: 'warning', severityLabel: '较重' });
    expect(errorOf(await writer.put(`/api/staff/alerts/${a.id}`).send(alertInput({ baseRevision: 1, body: '又一版' })).expect(409)).code).to.equal('ALERT_STALE');

    const detail = bodyOf<DetailBody>(await admin.get(`/api/staff/alerts/${a.id}`).expect(200));
    expect(detail.events.map((e) => e.type)).to.deep.equal(['created', 'submitted', 'published', 'unpublished', 'edited']);
    expect(detail.events.map((e) => e.actorId)).to.deep.equal([writerId, writerId, reviewerId, writerId, writerId]);
    expect(detail.events[2]).to.include({ fromState: 'in_review', toState: 'published' });
    expect(detail.revisions.map((r) => r.revision)).to.deep.equal([1, 2]);
    expect(detail.revisions[0]).to.not.have.property('body');

    const list = bodyOf<{ items: Array<{ id: number; state: string; region: string; body?: string }> }>(await writer.get('/api/staff/alerts').expect(200));
    expect(list.items).to.have.length(1);
    // The edit named no county: all of Sanming.
    expect(list.items[0]).to.include({ id: a.id, state: 'draft', region: '全市' }).and.not.have.property('body');
  });

  it('a live alert is corrected only by a publisher, and stays published', async () => {
    const a = await create(writer);
    await writer.post(`/api/staff/alerts/${a.id}/submit`).expect(200);
    await admin.post(`/api/staff/alerts/${a.id}/publish`).expect(200);
    const fix = alertInput({ summary: '更正：骗子还会冒充检察官。' });
    expect(errorOf(await writer.put(`/api/staff/alerts/${a.id}`).send(fix).expect(403)).code).to.equal('ALERT_NEEDS_PUBLISHER');
    const fixed = bodyOf<AlertBody>(await reviewer.put(`/api/staff/alerts/${a.id}`).send(fix).expect(200)).alert;
    expect(fixed).to.include({ state: 'published', revision: 2 });
    expect((await request(ctx.callback).get(`/alerts/${a.id}`).expect(200)).text).to.include('更正：骗子还会冒充检察官。');
  });

  it('with articles.selfPublish an editor publishes their own alert', async () => {
    await ctx.close();
    ctx = await alertsContext(clock, { articles: { selfPublish: true } });
    const solo = (await staffAgent(ctx, { username: 'solo', role: 'editor' })).agent;
    const a = await create(solo);
    await solo.post(`/api/staff/alerts/${a.id}/submit`).expect(200);
    await solo.post(`/api/staff/alerts/${a.id}/publish`).expect(200);
  });

  describe('four eyes: nobody publishes an alert they wrote or changed alone', () => {
    let third: Agent;
    beforeEach(async () => {
      third = (await staffAgent(ctx, { username: 'third', role: 'editor' })).agent;
    });
    const put = (agent: Agent, id: number, over: Record<string, unknown>) => agent.put(`/api/staff/alerts/${id}`).send(alertInput(over));
    const detail = async (agent: Agent, id: number) => bodyOf<DetailBody>(await agent.get(`/api/staff/alerts/${id}`).expect(200)).alert;

    it('an editor who rewrote another\'s alert may not publish it; a third editor publishes', async () => {
      const a = await create(writer);
      await put(reviewer, a.id, { body: '审核人自己改写的预警正文。' }).expect(200);
      await writer.post(`/api/staff/alerts/${a.id}/submit`).expect(200);

      const refused = errorOf(await reviewer.post(`/api/staff/alerts/${a.id}/publish`).expect(403));
      expect(refused).to.include({ code: 'ALERT_NEEDS_PUBLISHER', message: '自己写过或改过的预警需要另一位编辑或管理员审核发布' });
      expect((await detail(reviewer, a.id)).allowedActions).to.deep.equal(['edit']);
      expect((await detail(third, a.id)).allowedActions).to.include('publish');

      const published = bodyOf<AlertBody>(await third.post(`/api/staff/alerts/${a.id}/publish`).expect(200)).alert;
      expect(published).to.include({ state: 'published', revision: 2 });
      expect((await request(ctx.callback).get(`/alerts/${a.id}`).expect(200)).text).to.include('审核人自己改写的预警正文。');
    });

    it('a writer of any revision since the last publication stays refused after the author edits again', async () => {
      const a = await create(writer);
      await put(reviewer, a.id, { summary: '第二版：审核人改的。' }).expect(200);
      await put(writer, a.id, { summary: '第三版：作者又改回来。' }).expect(200);
      await writer.post(`/api/staff/alerts/${a.id}/submit`).expect(200);
      expect(errorOf(await reviewer.post(`/api/staff/alerts/${a.id}/publish`).expect(403)).code).to.equal('ALERT_NEEDS_PUBLISHER');
      expect(errorOf(await writer.post(`/api/staff/alerts/${a.id}/publish`).expect(403)).code).to.equal('ALERT_NEEDS_PUBLISHER');
      await third.post(`/api/staff/alerts/${a.id}/publish`).expect(200);
    });

    it('after publication: a publisher corrects as before; a correction\'s writer may not publish it again alone', async () => {
      const a = await create(writer);
      await writer.post(`/api/staff/alerts/${a.id}/submit`).expect(200);
      await third.post(`/api/staff/alerts/${a.id}/publish`).expect(200);
      expect(errorOf(await put(writer, a.id, { summary: '作者想改' }).expect(403)).code).to.equal('ALERT_NEEDS_PUBLISHER');
      const fixed = bodyOf<AlertBody>(await put(reviewer, a.id, { summary: '更正：骗子还会冒充检察官。' }).expect(200)).alert;
      expect(fixed).to.include({ state: 'published', revision: 2 });
      // A publisher may correct the live text again: a correction is theirs alone, as before.
      await put(reviewer, a.id, { summary: '再更正：骗子还会冒充法官。' }).expect(200);

      // Withdrawn and published again: the correction's writer is a writer of the text under review.
      await writer.post(`/api/staff/alerts/${a.id}/unpublish`).expect(200);
      expect((await detail(reviewer, a.id)).allowedActions).to.not.include('publish');
      expect(errorOf(await reviewer.post(`/api/staff/alerts/${a.id}/publish`).expect(403)).code).to.equal('ALERT_NEEDS_PUBLISHER');
      await third.post(`/api/staff/alerts/${a.id}/publish`).expect(200);
      // A new publication starts a new window: the reviewer may correct again.
      await put(reviewer, a.id, { summary: '第二次更正。' }).expect(200);
    });

    it('with articles.selfPublish the rule is off: the editor who rewrote an alert publishes it', async () => {
      const first = await create(writer);
      await put(reviewer, first.id, { body: '改写' }).expect(200);
      await reviewer.post(`/api/staff/alerts/${first.id}/submit`).expect(200);
      expect(errorOf(await reviewer.post(`/api/staff/alerts/${first.id}/publish`).expect(403)).code).to.equal('ALERT_NEEDS_PUBLISHER');

      await ctx.close();
      ctx = await alertsContext(clock, { articles: { selfPublish: true } });
      const a1 = (await staffAgent(ctx, { username: 'a1', role: 'editor' })).agent;
      const b1 = (await staffAgent(ctx, { username: 'b1', role: 'editor' })).agent;
      const a = await create(a1);
      await put(b1, a.id, { body: '改写' }).expect(200);
      await b1.post(`/api/staff/alerts/${a.id}/submit`).expect(200);
      expect((await detail(b1, a.id)).allowedActions).to.include('publish');
      await b1.post(`/api/staff/alerts/${a.id}/publish`).expect(200);
    });

    it('an alert with no human author stays publishable by any editor, except by one who changed it since', async () => {
      const { Alert: AlertModel, AlertRevision } = ctx.services.alerts.repo.models;
      const content = alertContent();
      const now = clock.t;
      const row = await AlertModel.create({
        title: content.title, summary: content.summary, fraudType: content.fraudType, severity: content.severity, counties: '[]',
        body: content.body, validUntil: content.validUntil, author: content.author, contentHash: alertContentHash(content), state: 'in_review',
        revision: 1, publishedAt: null, createdBy: null, updatedBy: null, createdAt: now, updatedAt: now,
      });
      await AlertRevision.create({
        alertId: row.id, revision: 1, title: row.title, summary: row.summary, fraudType: row.fraudType, severity: row.severity, counties: row.counties,
        body: row.body, validUntil: row.validUntil, author: row.author, contentHash: row.contentHash, createdBy: null, createdAt: now,
      });
      expect((await detail(writer, row.id)).allowedActions).to.include('publish');
      await writer.post(`/api/staff/alerts/${row.id}/publish`).expect(200);
      // A correction by the writer, withdrawn: the writer wrote the text under review now, the reviewer did not.
      await put(writer, row.id, { summary: '编辑更正的摘要。' }).expect(200);
      await writer.post(`/api/staff/alerts/${row.id}/unpublish`).expect(200);
      expect(errorOf(await writer.post(`/api/staff/alerts/${row.id}/publish`).expect(403)).code).to.equal('ALERT_NEEDS_PUBLISHER');
      await reviewer.post(`/api/staff/alerts/${row.id}/publish`).expect(200);
    });
  });

  it('refuses unknown counties and fraud types, bad dates and unknown fields; an expired alert is not published', async () => {
    for (const bad of [{ counties: ['350499'] }, { fraudType: 'lottery' }, { severity: 'huge' }, { validUntil: '2026-02-30' }, { validUntil: '下个月' }, { extra: 1 }]) {
      const res = await writer.post('/api/staff/alerts').send(alertInput(bad)).expect(400);
      expect(errorOf(res).code, JSON.stringify(bad)).to.equal('VALIDATION_FAILED');
    }
    const exact = await create(writer, { validUntil: '2026-05-02T18:00:00+08:00' });
    expect(new Date(exact.validUntil).toISOString()).to.equal('2026-05-02T10:00:00.000Z');

    const old = await create(writer, { validUntil: '2026-04-29' });
    expect(old.current).to.equal(false);
    await writer.post(`/api/staff/alerts/${old.id}/submit`).expect(200);
    expect(errorOf(await reviewer.post(`/api/staff/alerts/${old.id}/publish`).expect(409)).code).to.equal('ALERT_EXPIRED');
    await writer.put(`/api/staff/alerts/${old.id}`).send(alertInput({ validUntil: '2026-05-10' })).expect(200);
    await writer.post(`/api/staff/alerts/${old.id}/submit`).expect(200);
    await reviewer.post(`/api/staff/alerts/${old.id}/publish`).expect(200);
    expect(errorOf(await writer.get('/api/staff/alerts/999999').expect(404)).code).to.equal('ALERT_NOT_FOUND');
  });

  it('keeps what editors write inert: the renderer drops raw HTML and unsafe links, titles are escaped', async () => {
    const a = await create(writer, {
      title: '<img src=x onerror=alert(1)>假客服',
      summary: '"><script>alert(2)</script>',
      body: '<script>alert(3)</script>\n\n[点我](javascript:alert(4)) <img src=x onerror=alert(5)>',
    });
    expect(a.html).to.not.match(/<script|<img|href="javascript/i);
    await writer.post(`/api/staff/alerts/${a.id}/submit`).expect(200);
    await reviewer.post(`/api/staff/alerts/${a.id}/publish`).expect(200);
    for (const path of [`/alerts/${a.id}`, '/alerts']) {
      const page = (await request(ctx.callback).get(path).expect(200)).text;
      expect(page, path).to.not.match(/<script|<img src=x|href="javascript/i);
      expect(page, path).to.include('&lt;img src=x onerror=alert(1)&gt;假客服');
    }
    const page = (await request(ctx.callback).get(`/alerts/${a.id}`).expect(200)).text;
    expect(page).to.include('&lt;script&gt;alert(3)&lt;/script&gt;').and.include('[点我](javascript:alert(4))');
  });
});

describe(`alerts: the push hook (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext;
  const clock = new MovableClock(new Date('2026-04-30T02:00:00.000Z'));
  before(async () => { ctx = await alertsContext(clock); });
  after(async () => { await ctx.close(); });

  /** A second alerts module over the same database, with `startPush` wired as compose will. */
  const moduleWith = (startPush: AlertPushStarter) => createAlertsModule({
    config: ctx.config, logger: createLogger('silent'), db: ctx.services.db, web: ctx.services.web, vault: ctx.services.vault,
    sessions: createSessionStore(defineStaffModels(ctx.services.db), { sessionHours: 1, idleMinutes: 0 }), now: clock.now, startPush,
  });
  const writer = { id: 101, role: 'editor' };
  const publisher = { id: 102, role: 'editor' };

  it('records the push once per publication, inside its transaction, with the alert as published', async () => {
    const seen: Array<{ alert: Alert; stored: string | undefined }> = [];
    const alerts = moduleWith(async (alert, _publication, t) => {
      // The hook runs in the publication's transaction: it sees the row as published.
      const row = await ctx.services.alerts.repo.byId(alert.id, t);
      seen.push({ alert, stored: row?.state });
    });
    const a = await alerts.service.create(writer, alertContent({ counties: [YONGAN] }));
    await alerts.service.submit(writer, a.id);
    expect(seen).to.have.length(0);
    await alerts.service.publish(publisher, a.id);
    expect(seen).to.have.length(1);
    expect(seen[0]?.stored).to.equal('published');
    expect(seen[0]?.alert).to.include({ id: a.id, state: 'published', title: a.title });
    expect(seen[0]?.alert.counties).to.deep.equal([YONGAN]);
    // A correction of the live alert is not a new publication.
    await alerts.service.update(publisher, a.id, alertContent({ counties: [YONGAN], summary: '改一下' }));
    expect(seen).to.have.length(1);
    alerts.close();
  });

  it('a push refused inside the transaction undoes the publication and reaches the publisher', async () => {
    const alerts = moduleWith(() => Promise.reject(new AppError('ALERT_PUSH_QUOTA', 409, '今天的群发次数不够')));
    const a = await alerts.service.create(writer, alertContent());
    await alerts.service.submit(writer, a.id);
    const err = await alerts.service.publish(publisher, a.id).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(AppError);
    expect((err as AppError).code).to.equal('ALERT_PUSH_QUOTA');
    expect((await ctx.services.alerts.repo.byId(a.id))?.state).to.equal('in_review');
    expect(await ctx.services.alerts.repo.publishedById(a.id)).to.equal(undefined);
    alerts.close();
  });
});
