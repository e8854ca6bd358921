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

/**
 * Every string in a value, with where it sits: one field of an API answer, one column of a row, one
 * field of a log line, and within a column that holds JSON (a transcript), one field of that. A value
 * shown sits within one string; digits run together across strings can spell any number by chance
 * (a random id ending in 138 before a masked 0598-****1234 spells 13805981234).
 */
function* stringsIn(value: unknown, where: string): Generator<readonly [where: string, text: string]> {
  if (typeof value === 'string') {
    const json = /^\s*[[{]/.test(value) ? tryParse(value) : undefined;
    if (json === undefined) yield [where, value];
    else yield* stringsIn(json, where);
  } else if (typeof value === 'number' || typeof value === 'bigint') {
    yield [where, String(value)];
  } else if (Buffer.isBuffer(value)) {
    yield* stringsIn(value.toString('utf8'), where);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) yield* stringsIn(inner, `${where}.${key}`);
  }
}
function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Where, among the strings of several values, a value is shown. */
function shownIn(values: ReadonlyArray<readonly [label: string, value: unknown]>): (value: string) => string[] {
  const checks = values.flatMap(([label, v]) => [...stringsIn(v, label)].map(([where, text]) => [where, leakChecker(text)] as const));
  return (value) => checks.filter(([, shows]) => shows(value)).map(([where]) => where);
}

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
    const answers: Array<[string, unknown]> = [];
    for (const [role, agent] of Object.entries(withoutReveal)) {
      let listed = '';
      for (let page = 1; page <= Math.ceil(filed.length / 100); page += 1) {
        const list = await agent.get('/api/staff/tips').query({ pageSize: 100, page }).expect(200);
        listed += JSON.stringify(list.body);
        answers.push([`${role}: list page ${String(page)}`, list.body]);
      }
      expect(listed, `${role} lists the tips`).to.include(filed[0]!.code);
      answers.push([`${role}: stats`, (await agent.get('/api/staff/stats')).body]);
      for (const { code } of filed) {
        answers.push([`${role}: ${code}`, (await agent.get(`/api/staff/tips/${code}`).expect(200)).body]);
        answers.push([`${role}: ${code} duplicates`, (await agent.get(`/api/staff/tips/${code}/duplicates`).expect(200)).body]);
      }
    }
    const shown = shownIn(answers);
    for (const { entry } of filed) {
      for (const value of entry.values) expect(shown(value), `${entry.id} ${value} shown`).to.deep.equal([]);
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
    const rows: Array<[string, unknown]> = [];
    for (const t of tables) {
      const all = await s.query(`SELECT * FROM ${s.getQueryInterface().quoteIdentifier(t)}`, { type: 'SELECT' });
      for (const [i, row] of all.entries()) rows.push([`${t} row ${String(i + 1)}`, row]);
    }
    expect(JSON.stringify(rows)).to.include(filed[0]!.code);
    const stored = shownIn(rows);
    for (const { entry } of filed) for (const value of entry.values) expect(stored(value), `${entry.id} ${value} stored in clear`).to.deep.equal([]);
  });

  it('no log line carries a value, at debug level', () => {
    expect(lines.length).to.be.greaterThan(100);
    const logged = shownIn(lines.map((line, i) => [`log line ${String(i + 1)}`, line]));
    for (const { entry } of filed) for (const value of entry.values) expect(logged(value), `${entry.id} ${value} logged`).to.deep.equal([]);
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
