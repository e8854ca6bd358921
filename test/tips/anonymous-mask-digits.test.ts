// An anonymous reporter who writes their own number into the tip must not be named by the digits
// a mask keeps (138****5678): staff who know the number (a named tip's logged reveal, an
// acquaintance) would match it. Their texts are stored and shown with masks without digits, so a
// search with those digits does not find their tip; other numbers in it (a building) still do.
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { bodyOf, REVEAL_REASON, type DuplicatesBody, type TipDetail, type TipPage } from '../support/api.js';
import { eventView } from '../../src/tips/views.js';
import type { TipEventRow } from '../../src/tips/models.js';
import { context, staffAgent, submission, type Agent } from './helpers.js';

const PHONE = '13812345678';
const ID_NUMBER = '35040219900101123X';

describe(`anonymous tips: masks keep no digit (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext;
  let triage: Agent;
  before(async () => {
    ctx = await context();
    triage = (await staffAgent(ctx, { username: 'triage-digits', role: 'triage' })).agent;
  });
  after(async () => { await ctx.close(); });

  it('a named tip\'s revealed phone finds nothing in the same citizen\'s anonymous accusation', async () => {
    const citizen = { channel: 'official_account' as const, id: 'o-digits-citizen' };
    const named = await ctx.services.tips.desk.submit(submission({ citizen, contact: { anonymous: false, phone: PHONE }, description: '邻居装修噪音扰民' }));
    const said = `我不想留名，我手机${PHONE}，身份证${ID_NUMBER}，举报某所长在12栋收钱`;
    const anon = await ctx.services.tips.desk.submit(submission({
      citizen, category: 'report', contact: { anonymous: true }, description: said,
      transcript: [
        { at: new Date().toISOString(), from: 'citizen', kind: 'text', text: said },
        { at: new Date().toISOString(), from: 'bot', kind: 'text', text: `请核对：${said}` },
      ],
      place: { countyCode: '350404', text: `列东街道，有事打${PHONE}` },
    }));

    const revealed = bodyOf<TipDetail>(await triage.get(`/api/staff/tips/${named.code}?identity=1&reason=${REVEAL_REASON}`).expect(200));
    expect(revealed.tip.reporter.phone).to.equal(PHONE);

    const detail = bodyOf<TipDetail>(await triage.get(`/api/staff/tips/${anon.code}`).expect(200));
    const texts = [
      detail.tip.description, detail.tip.place.text ?? '',
      ...(detail.transcript as Array<{ text?: string }>).map((e) => e.text ?? ''),
    ];
    for (const t of texts) expect(t.replace('12栋', ''), t).not.to.match(/[0-9]/);
    expect(detail.tip.description).to.include('举报某所长在12栋收钱').and.to.include('***********');
    // Stored so too: the database holds no digit of the numbers, in any text or the colour reason.
    const [storedRow] = await ctx.services.db.sequelize.query('SELECT description, transcript, place_text, colour_reason FROM tips WHERE code = ?', { replacements: [anon.code], type: 'SELECT' }) as Array<Record<string, unknown>>;
    for (const stored of Object.values(storedRow!)) expect(String(stored)).not.to.match(/5678|350402|123X/i);

    const page = await triage.get(`/staff/tips/${anon.code}`).expect(200);
    for (const fragment of ['138****5678', '****5678', '350402***', '***123X']) expect(page.text).not.to.include(fragment);

    const list = bodyOf<TipPage>(await triage.get('/api/staff/tips').query({ pageSize: 100 }).expect(200));
    expect(list.items.find((t) => t.code === anon.code)?.description).to.equal(detail.tip.description);

    // Search by the digits a mask would keep finds the named tip's text at most, never the anonymous one.
    for (const q of ['138****5678', '5678', '138', '350402', '123X']) {
      // Tracking codes are random: one holding the probe is found by its code, which is no leak.
      if (anon.code.includes(q)) continue;
      const found = bodyOf<TipPage>(await triage.get('/api/staff/tips').query({ q }).expect(200));
      expect(found.items.map((t) => t.code), q).not.to.include(anon.code);
    }
    // Words still find it.
    for (const q of ['所长在12栋', '12栋']) {
      const byWords = bodyOf<TipPage>(await triage.get('/api/staff/tips').query({ q }).expect(200));
      expect(byWords.items.map((t) => t.code), q).to.include(anon.code);
    }

    const csv = await triage.get('/api/staff/tips/export.csv').expect(200);
    const row = csv.text.split('\r\n').find((l) => l.startsWith(anon.code)) ?? '';
    expect(row).to.include('举报某所长在12栋收钱');
    expect(row).not.to.include('****5678').and.not.to.include('350402*');

    const hints = bodyOf<DuplicatesBody>(await triage.get(`/api/staff/tips/${named.code}/duplicates`).expect(200));
    expect(hints.suggestions.map((h) => h.code)).not.to.include(anon.code);
  });

  it('an anonymous citizen\'s own event text keeps no digit; staff-written ones keep the usual mask', () => {
    const row = (actorType: string, reason: string) => ({
      id: 1, tipId: 1, type: 'review_requested', actorType, actorId: null, actorName: null, fromState: 'answered', toState: 'reopened',
      reason, note: null, data: null, createdAt: new Date(),
    }) as unknown as TipEventRow;
    expect(eventView(row('citizen', `不满意，请打${PHONE}`), undefined, { anonymous: true }).reason).to.equal('不满意，请打***********');
    expect(eventView(row('citizen', `不满意，请打${PHONE}`), undefined, { anonymous: false }).reason).to.equal('不满意，请打138****5678');
    expect(eventView(row('staff', `民警电话${PHONE}`), undefined, { anonymous: true }).reason).to.equal('民警电话138****5678');
    // A landline's area code goes too: outside 0598 it names the reporter's city.
    expect(eventView(row('citizen', '打我座机0591-87654321'), undefined, { anonymous: true }).reason).to.equal('打我座机*************');
    expect(eventView(row('citizen', '打我座机0591-87654321'), undefined, { anonymous: false }).reason).to.equal('打我座机0591-****4321');
  });
});
