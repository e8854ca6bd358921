// The queue's filters behind the dashboard's links (listQuerySchema, queueFilterWhere): each one
// on GET /api/staff/tips, the same names on the export and the queue page, the dashboard's counts
// equal to the totals of their filters, and strict validation (400 with Chinese field messages on
// the API, 「筛选条件有误」 on the page).
import { expect } from 'chai';
import request from 'supertest';
import { sqlDate } from '../../src/db/index.js';
import { createTipRepository } from '../../src/tips/repository.js';
import { NOW_FILTERS, annualFilters, annualStats, dashboardStats, shanghaiYear, weekStart } from '../../src/tips/stats.js';
import { shanghaiDayKey } from '../../src/platform/beijing-time.js';
import { listQuerySchema, parseInput, queueFilterParams, type QueueFilter } from '../../src/tips/validation.js';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { bodyOf, errorOf } from '../support/api.js';
import { type Agent, addStaff, context, PASSWORD, staffAgent, submission } from './helpers.js';

interface Page { items: Array<{ code: string }>; total: number }

describe(`queue filters behind the dashboard (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let triage: Agent;
  let supervisor: Agent;
  const codes: Record<string, string> = {};
  // Taken when the tips are submitted (their received day), not when mocha loads this file: the
  // two can fall on either side of a Beijing midnight.
  let now: Date;
  let year: number;
  let today: string;

  const set = async (code: string, column: string, value: Date | string | null) => {
    // Column names are constants of this test; values go as replacements.
    await ctx.services.db.sequelize.query(`UPDATE tips SET ${column} = ? WHERE code = ?`, {
      replacements: [value instanceof Date ? sqlDate(ctx.services.db.dialect, value) : value, code],
    });
  };
  const list = async (query: string): Promise<Page> => bodyOf<Page>(await supervisor.get(`/api/staff/tips?${query}&pageSize=100`).expect(200));
  const codesOf = async (query: string) => (await list(query)).items.map((t) => t.code).sort();

  before(async () => {
    ctx = await context();
    const desk = ctx.services.tips.desk;
    const submit = async (name: string, over = {}) => { codes[name] = (await desk.submit(submission(over))).code; };
    now = new Date();
    year = shanghaiYear(now);
    today = shanghaiDayKey(now);
    await submit('plain');
    await submit('dueSoon', { category: 'fraud' });
    await submit('late', { category: 'suggestion', description: '建议路口加装红绿灯' });
    await submit('accusation', { category: 'report', description: '举报某单位工作人员吃拿卡要' });
    await submit('old');
    await submit('nowhere', { place: { text: '不清楚' } });
    triage = (await staffAgent(ctx, { username: 'clerk', role: 'triage' })).agent;
    supervisor = (await staffAgent(ctx, { username: 'duban', role: 'supervisor' })).agent;

    // dueSoon: open, due in two days. late: answered after its deadline, rated unsatisfied.
    await set(codes.dueSoon!, 'due_at', new Date(now.getTime() + 2 * 86_400_000));
    await ctx.services.db.sequelize.query("UPDATE tips SET state = 'answered', due_at = NULL, rating = 'unsatisfied' WHERE code = ?", { replacements: [codes.late] });
    await set(codes.late!, 'answered_at', now);
    await set(codes.late!, 'rated_at', now);
    await set(codes.late!, 'conclude_by', new Date(now.getTime() - 60_000));
    // old: received two years ago, still open and overdue.
    await set(codes.old!, 'created_at', new Date(now.getTime() - 730 * 86_400_000));
    await set(codes.old!, 'due_at', new Date(now.getTime() - 3_600_000));
    // accusation: assigned to 纪检监察 naming the police; the supervisor raises, reassigns, extends.
    const a = codes.accusation!;
    await triage.post(`/api/staff/tips/${a}/claim`).send({}).expect(200);
    await triage.post(`/api/staff/tips/${a}/assign`).send({ unitKey: 'discipline', accusedUnitKey: 'police' }).expect(200);
    await triage.post(`/api/staff/tips/${a}/colour`).send({ colour: 'green', reason: '不紧急' }).expect(200);
    await supervisor.post(`/api/staff/tips/${a}/colour`).send({ colour: 'red', reason: '反映强烈' }).expect(200);
    await supervisor.post(`/api/staff/tips/${a}/assign`).send({ unitKey: 'discipline', accusedUnitKey: 'police', reason: '改由市纪委监委办理' }).expect(200);
    await supervisor.post(`/api/staff/tips/${a}/extend`).send({ days: 10, reason: '需要调取材料' }).expect(200);
    // plain: assigned by triage only (交办, no 督办).
    await triage.post(`/api/staff/tips/${codes.plain}/claim`).send({}).expect(200);
    await triage.post(`/api/staff/tips/${codes.plain}/assign`).send({ countyCode: '350404' }).expect(200);
  });
  after(async () => { await ctx.close(); });

  it('filters by due soon, legal type, rating, finished on time or late, and county none', async () => {
    expect(await codesOf('dueWithinDays=3')).to.deep.equal([codes.dueSoon]);
    expect(await codesOf('dueWithinDays=1')).to.deep.equal([]);
    expect(await codesOf('legalType=accusation')).to.deep.equal([codes.accusation]);
    expect(await codesOf('rating=unsatisfied')).to.deep.equal([codes.late]);
    expect(await codesOf('rating=any')).to.deep.equal([codes.late]);
    expect(await codesOf('rating=satisfied')).to.deep.equal([]);
    expect(await codesOf('finished=late')).to.deep.equal([codes.late]);
    expect(await codesOf('finished=ontime')).to.deep.equal([]);
    expect(await codesOf('county=none')).to.deep.equal([codes.nowhere]);
    expect(await codesOf('overdue=true')).to.deep.equal([codes.old]);
    expect((await list('overdue=false')).total).to.equal(5);
  });

  it('filters by received, finished and rated dates (Beijing days, both ends included)', async () => {
    expect((await list(`from=${year}-01-01&to=${year}-12-31`)).total).to.equal(5);
    expect(await codesOf(`to=${year - 2}-12-31`)).to.deep.equal([codes.old]);
    expect((await list(`from=${today}&to=${today}`)).total).to.equal(5);
    expect(await codesOf(`date=finished&from=${today}`)).to.deep.equal([codes.late]);
    expect(await codesOf(`date=rated&from=${today}&to=${today}`)).to.deep.equal([codes.late]);
    expect(await codesOf(`date=rated&to=${year - 1}-12-31`)).to.deep.equal([]);
  });

  it('filters by handling unit, accused unit, 交办 and each kind of 督办, also by their dates', async () => {
    expect(await codesOf('unit=discipline')).to.deep.equal([codes.accusation]);
    expect(await codesOf('accused=police')).to.deep.equal([codes.accusation]);
    expect(await codesOf('action=assign')).to.deep.equal([codes.accusation, codes.plain].sort());
    for (const kind of ['supervise', 'raise', 'reassign', 'extend']) {
      expect(await codesOf(`action=${kind}`), kind).to.deep.equal([codes.accusation]);
    }
    expect(await codesOf(`action=supervise&date=action&from=${today}`)).to.deep.equal([codes.accusation]);
    expect(await codesOf(`action=assign&date=action&to=${year - 1}-12-31`)).to.deep.equal([]);
    // The triage's lowering of the colour is no 督办; with the supervisor's raise gone it would be empty.
    expect((await list('action=raise&colour=green')).total).to.equal(0);
  });

  it('counts on the dashboard exactly what each figure\'s filter lists', async () => {
    const repo = createTipRepository(ctx.services.db);
    const staff = await addStaff(ctx, { username: 'duban2', role: 'supervisor' });
    const s = await dashboardStats(ctx.services.db, repo, staff, now);
    const a = await annualStats(ctx.services.db, repo, staff, year, now);
    const f = annualFilters(year);
    const monday = shanghaiDayKey(weekStart(now));
    const pairs: Array<[string, number, QueueFilter]> = [
      ['total', s.total, NOW_FILTERS.total],
      ['overdue', s.overdue, NOW_FILTERS.overdue],
      ['due soon', s.dueSoon, NOW_FILTERS.dueSoon],
      ['rated', s.ratings.rated, NOW_FILTERS.rated],
      ['unsatisfied', s.ratings.unsatisfied, NOW_FILTERS.rating('unsatisfied')],
      ['no county', s.byCounty.none ?? 0, NOW_FILTERS.noCounty],
      ['county', s.byCountyQueue['350404'] ?? 0, NOW_FILTERS.county('350404')],
      ['week received', s.weeks[s.weeks.length - 1]!.received, NOW_FILTERS.weekReceived(monday)],
      ['week finished', s.weeks[s.weeks.length - 1]!.finished, NOW_FILTERS.weekFinished(monday)],
      ['annual received', a.received, f.received],
      ['annual accusation', a.byLegalType.accusation ?? 0, f.legalType('accusation')],
      ['annual assigned', a.assigned, f.action('assign')],
      ['annual supervised', a.supervised, f.action('supervise')],
      ['annual raised', a.raised, f.action('raise')],
      ['annual finished', a.finished, f.finished],
      ['annual late', a.late, f.late],
      ['annual on time', a.onTime, f.onTime],
      ['annual transferred', a.transferred, f.finishedAs('transferred')],
      ['annual open overdue', a.openOverdue, f.openOverdue],
      ['annual rated', a.ratings.rated, f.rated],
      ['annual accused police', a.accusedUnits.find((u) => u.key === 'police')?.value ?? 0, f.accused('police')],
      ['annual unit discipline', a.handlingUnits.find((u) => u.key === 'discipline')?.value ?? 0, f.unit('discipline')],
    ];
    for (const [name, shown, filter] of pairs) {
      const query = new URLSearchParams(queueFilterParams(filter)).toString();
      expect((await list(query)).total, `${name}: ${query}`).to.equal(shown);
    }
    expect(a.accusedUnits).to.deep.equal([{ key: 'police', name: '公安机关', value: 1 }]);
    expect(a).to.include({ assigned: 2, supervised: 1, raised: 1, reassigned: 1, extended: 1, late: 1, openOverdue: 0 });
    expect(s).to.include({ overdue: 1, dueSoon: 1 });
  });

  it('turns every dashboard filter into URL parameters that parse back to the same filter', () => {
    const f = annualFilters(2026);
    for (const filter of [NOW_FILTERS.overdue, NOW_FILTERS.dueSoon, NOW_FILTERS.rated, NOW_FILTERS.weekFinished('2026-03-09'),
      f.late, f.action('reassign'), f.accused('police'), f.rating('satisfied'), f.finishedAs('rejected')]) {
      expect(parseInput(listQuerySchema, queueFilterParams(filter))).to.deep.equal({ ...filter, page: 1, pageSize: 20 });
    }
    expect(queueFilterParams(f.late)).to.deep.equal({ finished: 'late', from: '2026-01-01', to: '2026-12-31', date: 'finished' });
  });

  it('refuses a bad filter with 400 and a Chinese message naming the field', async () => {
    const bad: Array<[string, string]> = [
      ['dueWithinDays=0', 'dueWithinDays'],
      ['dueWithinDays=31', 'dueWithinDays'],
      ['dueWithinDays=abc', 'dueWithinDays'],
      ['legalType=complaint', 'legalType'],
      ['rating=good', 'rating'],
      ['finished=yes', 'finished'],
      ['from=2026-02-30', 'from'],
      ['from=2026/03/01', 'from'],
      ['to=20260301', 'to'],
      ['from=2026-03-02&to=2026-03-01', 'to'],
      ['date=finished', 'date'],
      ['date=received', 'date'],
      ['date=action&from=2026-01-01', 'action'],
      ['action=delete', 'action'],
      ['unit=%E5%85%AC%E5%AE%89', 'unit'],
      ['accused=Police', 'accused'],
      ['county=35040', 'county'],
      ['colur=red', '(body)'],
    ];
    for (const [query, field] of bad) {
      const res = await supervisor.get(`/api/staff/tips?${query}`).expect(400);
      const err = errorOf(res);
      expect(err.code, query).to.equal('VALIDATION_FAILED');
      const fields = (res.body as { error: { fields?: Array<{ path: string; message: string }> } }).error.fields ?? [];
      const hit = fields.find((x) => x.path === field);
      expect(hit, `${query}: ${JSON.stringify(fields)}`).to.not.equal(undefined);
      expect(hit!.message, query).to.match(/[\u4e00-\u9fff]/);
    }
    // The export takes the same names and the same rules.
    await supervisor.get('/api/staff/tips/export.csv?from=2026-03-02&to=2026-03-01').expect(400);
    const csv = await supervisor.get('/api/staff/tips/export.csv?legalType=accusation').expect(200);
    expect(csv.text.trim().split('\r\n')).to.have.length(2);
  });

  it('shows 「筛选条件有误」 on the queue page for a bad filter, and the filters in words for good ones', async () => {
    const agent = request.agent(ctx.callback);
    const form = await agent.get('/staff/login').expect(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
    await agent.post('/staff/login').set('Origin', ctx.config.publicOrigin).type('form')
      .send({ username: 'duban', password: PASSWORD, _csrf: token }).expect(303);
    for (const query of ['dueWithinDays=99', 'from=2026-13-01', 'date=rated', 'rating=good']) {
      const page = await agent.get(`/staff/queue?${query}`).expect(200);
      expect(page.text, query).to.contain('筛选条件有误').and.not.contain('id="active-filters"');
    }
    const words = async (query: string) => {
      const page = await agent.get(`/staff/queue?${query}`).expect(200);
      expect(page.text, query).to.not.contain('筛选条件有误');
      return /<p class="card" id="active-filters"><strong>筛选：<\/strong>([^<]*)/.exec(page.text)?.[1]?.trim();
    };
    expect(await words(`legalType=accusation&from=${year}-01-01&to=${year}-12-31&overdue=true`)).to.equal(`${year}年收到 · 检举控告 · 已超期`);
    expect(await words('dueWithinDays=3')).to.equal('3天内到期');
    expect(await words('date=finished&from=2026-03-09&to=2026-03-15&finished=late')).to.equal('2026年3月9日至3月15日办结（含答复） · 超期办结');
    expect(await words(`action=reassign&date=action&from=${year}-01-01&to=${year}-12-31`)).to.equal(`${year}年督办改派`);
    expect(await words('accused=police&unit=discipline&rating=any')).to.equal('承办单位：纪检监察机关 · 被检举控告单位：公安机关 · 已评价');
    expect(await words('county=none')).to.equal('没有地点');
    const page = await agent.get('/staff/queue?dueWithinDays=3&accused=police').expect(200);
    expect(page.text).to.contain('<input type="hidden" name="dueWithinDays" value="3">').and.contain('<input type="hidden" name="accused" value="police">');
    expect(page.text).to.contain('<a href="/staff/queue">清除筛选</a>');
  });
});
