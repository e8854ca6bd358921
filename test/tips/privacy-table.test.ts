// The privacy table (issue #15, item 7): test/fixtures/privacy/personal-data.json, written apart
// from the rule it tests, holds personal data in every notation citizens type. Each entry goes
// through the real bot as a description, a later message or (mobiles) the answer to the contact prompt;
// then, for each value: no staff read without the logged reveal shows it (detail, list, search,
// stats, duplicates; the API has no export), no table stores it in clear, no log line (at debug)
// carries it. The logged reveal does show it. Public numbers, and the names of others than the
// writer, stay readable.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { TestContext } from '../support/harness.js';
import { createTestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { supertestTransport } from '../support/webhook-app.js';
import { ChatClient, type DecodedReply } from '../../src/cli/chat-client.js';
import { cleanInput } from '../../src/platform/input-text.js';
import { maskPersonalData } from '../../src/tips/rules/personal-data.js';
import { bodyOf, REVEAL_REASON, type TipDetail, type TipPage } from '../support/api.js';
import { staffAgent, type Agent } from './helpers.js';

interface Personal { id: string; kind: string; text: string; values: string[] }
interface Public { id: string; text: string; keep: string[] }
const table = JSON.parse(readFileSync(new URL('../fixtures/privacy/personal-data.json', import.meta.url), 'utf8')) as { personal: Personal[]; public: Public[] };

const CHINESE_DIGITS: Record<string, string> = { 〇: '0', 零: '0', 一: '1', 幺: '1', 二: '2', 两: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };
/** Every digit of a text in order, whatever its notation: what a reader could piece a number from. */
const digitsOf = (s: string) => s.normalize('NFKC').replace(/[〇零一幺二两三四五六七八九]/g, (c) => CHINESE_DIGITS[c] ?? c).replace(/[^0-9Xx]/g, '').toUpperCase();

/**
 * Whether a text shows a value, in any notation. The haystacks are whole dumps (every table, every
 * log line) asked about every value: each is flattened once.
 */
function leakChecker(haystack: string): (value: string) => boolean {
  let digits: string | undefined;
  let flat: string | undefined;
  return (value) => {
    if (/\p{Script=Han}/u.test(value) || value.includes('@')) {
      flat ??= haystack.normalize('NFKC').toLowerCase();
      if (!value.includes('@')) return flat.includes(value);
      return flat.includes(value.toLowerCase()) || flat.includes(`${value.split('@')[0]!.toLowerCase()}@`);
    }
    digits ??= digitsOf(haystack);
    return digits.includes(value.toUpperCase());
  };
}
const leaks = (haystack: string, value: string): boolean => leakChecker(haystack)(value);

const textOf = (r: DecodedReply): string => (r.type === 'text' ? r.text : `<${r.type}>`);
const PLACEMENTS = ['description', 'later', 'contact'] as const;

describe(`privacy table: ${String(table.personal.length)} ways to write personal data (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(300_000);
  const lines: string[] = [];
  let ctx: TestContext;
  const filed: Array<{ entry: Personal; code: string; placement: string }> = [];
  let admin: Agent;
  const withoutReveal: Record<string, Agent> = {};

  before(async () => {
    ctx = await createTestContext({}, { logLevel: 'debug', logSink: { write: (line: string) => { lines.push(line); } } });
    admin = (await staffAgent(ctx, { username: 'admin-privacy', role: 'admin' })).agent;
    const triage = (await staffAgent(ctx, { username: 'triage-privacy', role: 'triage' })).agent;
    withoutReveal.admin = admin;
    withoutReveal.triage = triage;
    withoutReveal.supervisor = (await staffAgent(ctx, { username: 'super-privacy', role: 'supervisor' })).agent;
    withoutReveal.county = (await staffAgent(ctx, { username: 'county-privacy', role: 'county', countyCode: '350404' })).agent;
    withoutReveal.township = (await staffAgent(ctx, { username: 'town-privacy', role: 'township', countyCode: '350404', townshipCode: '350404001' })).agent;

    for (const [i, entry] of table.personal.entries()) {
      // The contact prompt takes one mobile number (else it asks again); the rest go in the texts.
      const placement = entry.kind === 'mobile' && entry.values.length === 1 ? PLACEMENTS[i % 3]! : PLACEMENTS[i % 2]!;
      const c = new ChatClient({ transport: supertestTransport(ctx.callback), token: ctx.config.wechat.token, openid: `o_privacy_${entry.id}` });
      const say = async (text: string) => textOf(await c.text(text));
      await say('举报');
      await say('3');
      if (placement === 'description') {
        await say(entry.text);
      } else {
        await say('邻居家装修天天到半夜，说了好几次都不听');
        if (placement === 'later') await say(entry.text);
      }
      await say('好了');
      await say('跳过');
      const contact = await say(placement === 'contact' ? entry.text : '13600000000');
      if (!contact.includes('确认')) throw new Error(`${entry.id}: contact answer refused: ${contact}`);
      const confirmed = await say('确认');
      const code = /受理编号：(SM\d{6}[A-Z0-9]{4,})/.exec(confirmed)?.[1];
      if (!code) throw new Error(`${entry.id}: no tracking code in ${confirmed}`);
      filed.push({ entry, code, placement });
    }
    // Into the county's and the township's hands, so the handlers see every tip.
    for (const { code } of filed) {
      await triage.post(`/api/staff/tips/${code}/assign`).send({ countyCode: '350404', townshipCode: '350404001' }).expect(200);
    }
  });
  after(async () => ctx.close());

  it('the table is what the issue asks: 60+ entries, every kind, description / later message / prompt answer', () => {
    expect(table.personal.length).to.be.at.least(60);
    expect(new Set(table.personal.map((p) => p.kind))).to.deep.equal(new Set(['mobile', 'landline', 'id_card', 'bank_card', 'email', 'name']));
    expect(new Set(filed.map((f) => f.placement))).to.deep.equal(new Set(PLACEMENTS));
    expect(filed).to.have.length(table.personal.length);
  });

  it('no staff read without the logged reveal shows any value: detail, list, search, stats, duplicates', async () => {
    const seen: Record<string, string> = {};
    for (const [role, agent] of Object.entries(withoutReveal)) {
      let all = '';
      for (let page = 1; page <= Math.ceil(filed.length / 100); page += 1) {
        const list = await agent.get('/api/staff/tips').query({ pageSize: 100, page }).expect(200);
        all += JSON.stringify(list.body);
      }
      expect(all, `${role} lists the tips`).to.include(filed[0]!.code);
      const stats = await agent.get('/api/staff/stats');
      all += JSON.stringify(stats.body);
      for (const { code } of filed) {
        all += JSON.stringify((await agent.get(`/api/staff/tips/${code}`).expect(200)).body);
        all += JSON.stringify((await agent.get(`/api/staff/tips/${code}/duplicates`).expect(200)).body);
      }
      seen[role] = all;
    }
    const shownTo = Object.entries(seen).map(([role, all]) => [role, leakChecker(all)] as const);
    for (const { entry } of filed) {
      for (const value of entry.values) {
        for (const [role, shows] of shownTo) expect(shows(value), `${entry.id} ${value} shown to ${role}`).to.equal(false);
      }
    }
    // Handlers (no identity right) asking for the identity get nothing more.
    const county = bodyOf<TipDetail>(await withoutReveal.county!.get(`/api/staff/tips/${filed[0]!.code}?identity=1&reason=${REVEAL_REASON}`).expect(200));
    expect(county.identityWithheldReason).to.equal('policy');
    for (const value of filed[0]!.entry.values) expect(leaks(JSON.stringify(county), value)).to.equal(false);
  });

  it('search runs over masked text: the whole value, or any 4 of its digits that the mask hides, finds nothing', async () => {
    for (const { entry, code } of filed) {
      for (const value of entry.values) {
        const name = /\p{Script=Han}/u.test(value);
        // A name: whole, and its given name (two characters).
        const probes = value.includes('@') ? [value, value.split('@')[0]!] : name ? [value, value.slice(-2)] : [value, value.slice(3, 7), value.slice(-8, -4)];
        for (const q of probes) {
          // Search also matches tracking codes, which are random: one that happens to hold the
          // probe's digits (SM261207F8765J for 8765) is found by its code, which is no leak.
          if (code.includes(q.toUpperCase())) continue;
          const found = bodyOf<TipPage>(await withoutReveal.county!.get('/api/staff/tips').query({ q, pageSize: 100 }).expect(200));
          expect(found.items.map((t) => t.code), `${entry.id}: q=${q}`).not.to.include(code);
        }
      }
    }
  });

  it('no table holds a value in clear', async () => {
    const s = ctx.services.db.sequelize;
    const tables = (await s.getQueryInterface().showAllTables()).map((t) => (typeof t === 'string' ? t : (t as { tableName: string }).tableName));
    let dump = '';
    for (const t of tables) dump += JSON.stringify(await s.query(`SELECT * FROM ${s.getQueryInterface().quoteIdentifier(t)}`, { type: 'SELECT' }));
    expect(dump).to.include(filed[0]!.code);
    const stored = leakChecker(dump);
    for (const { entry } of filed) for (const value of entry.values) expect(stored(value), `${entry.id} ${value} stored in clear`).to.equal(false);
  });

  it('no log line carries a value, at debug level', () => {
    expect(lines.length).to.be.greaterThan(100);
    const logged = leakChecker(lines.join(''));
    for (const { entry } of filed) for (const value of entry.values) expect(logged(value), `${entry.id} ${value} logged`).to.equal(false);
  });

  it('the logged reveal shows the citizen what they wrote, to the identity right only', async () => {
    for (const { entry, code, placement } of [...filed.slice(0, 6), ...filed.filter((f) => f.entry.kind === 'name').slice(0, 3)]) {
      const r = bodyOf<TipDetail>(await admin.get(`/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`).expect(200));
      expect(r.tip.reporter.revealed).to.equal(true);
      const shown = JSON.stringify(r);
      for (const value of entry.values) expect(leaks(shown, value), `${entry.id} (${placement}) revealed`).to.equal(true);
      expect(r.events.map((e) => e.type)).to.include('identity_viewed');
    }
  });

  it('public numbers and others\' names stay readable: service lines, dates, amounts, house numbers, plates', () => {
    for (const p of table.public) {
      const masked = maskPersonalData(cleanInput(p.text));
      for (const keep of p.keep) expect(masked, p.id).to.include(cleanInput(keep));
    }
  });
});
