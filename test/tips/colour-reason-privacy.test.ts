// The colour reason (颜色依据) is built from the citizen's clear words: an emergency cue
// (rules/emergency.ts) quotes up to two dozen characters around its words, numbers included.
// Whoever may see the tip sees the reason, in the API, the list and the tip page, so it carries
// personal data masked, for a named reporter and an anonymous one alike, with or without a reveal.
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { bodyOf, REVEAL_REASON, type TipDetail, type TipPage } from '../support/api.js';
import { context, staffAgent, submission, type Agent } from './helpers.js';

describe(`colour reason: no personal data from the citizen's words (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext;
  let triage: Agent;
  let county: Agent;
  before(async () => {
    ctx = await context();
    triage = (await staffAgent(ctx, { username: 'triage-reason', role: 'triage' })).agent;
    county = (await staffAgent(ctx, { username: 'county-reason', role: 'county', countyCode: '350404' })).agent;
  });
  after(async () => { await ctx.close(); });

  // Each text holds one emergency cue (「进山 … 迷路」: up to 24 characters between its words).
  const cases = [
    { value: '13812345678', masked: '138****5678', text: '我爸昨天进山采药，我手机13812345678一直等他电话，怕是迷路了' },
    // A colour reason keeps no run of 5 digits or more: the ID's region code is hidden too.
    { value: '35040219900101123X', masked: '**************123X', text: '我爸进山，身份证35040219900101123X，迷路了' },
  ];

  for (const anonymous of [true, false]) {
    for (const c of cases) {
      it(`masks ${c.masked} quoted by the emergency cue (${anonymous ? 'anonymous' : 'named'} reporter)`, async () => {
        const { code } = await ctx.services.tips.desk.submit(submission({
          category: 'other',
          description: c.text,
          contact: anonymous ? { anonymous: true } : { anonymous: false, phone: '13600000000' },
        }));
        await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404' }).expect(200);

        const reads: Record<string, string> = {
          countyDetail: (await county.get(`/api/staff/tips/${code}`).expect(200)).text,
          countyList: (await county.get('/api/staff/tips').expect(200)).text,
          countyPage: (await county.get(`/staff/tips/${code}`).expect(200)).text,
          triageDetail: (await triage.get(`/api/staff/tips/${code}`).expect(200)).text,
          triageList: (await triage.get('/api/staff/tips').query({ q: code }).expect(200)).text,
        };
        // A named reporter's reveal shows the original texts (logged); an anonymous one shows nothing more.
        const reveal = bodyOf<TipDetail>(await triage.get(`/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`).expect(200));
        if (anonymous) reads.triageReveal = JSON.stringify(reveal);
        else expect((reveal.tip.colourReason ?? '').toUpperCase(), 'reveal').not.to.include(c.value);
        // The cue is lower-cased (rules/plain-text.ts): 123X is quoted as 123x.
        for (const [where, text] of Object.entries(reads)) expect(text.toUpperCase(), where).not.to.include(c.value);

        // Still a reason staff can read: the cue is there, its number masked (an anonymous
        // reporter's keeping no digit at all).
        const detail = bodyOf<TipDetail>(await county.get(`/api/staff/tips/${code}`).expect(200));
        expect(detail.tip.colour).to.equal('red');
        expect(detail.tip.colourReason).to.include('紧急情况：进山').and.to.include(anonymous ? '*'.repeat(c.masked.length) : c.masked);
        const page = bodyOf<TipPage>(await county.get('/api/staff/tips').expect(200));
        expect(page.items.find((t) => t.code === code)?.colourReason).to.equal(detail.tip.colourReason);
      });
    }
  }
});
