// Rows written before citizen texts were masked and sealed (issue #15, item 2): the reseal that
// runs after the migrations masks them and seals the originals, the logged reveal shows them, the
// events stay append-only for everything else; and --rotate-keys moves every seal to the new key.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { createIdentityVault } from '../../src/tips/identity.js';
import { PERSONAL_DATA_RULE_VERSION } from '../../src/tips/rules/personal-data.js';
import type { TranscriptEntry } from '../../src/bot/ports.js';
import { bodyOf, REVEAL_REASON, type TipDetail } from '../support/api.js';
import { context, staffAgent, submission, type Agent } from './helpers.js';

const CLEAR_DESCRIPTION = '工地欠薪三个月，老板电话13905981234，我的身份证350402198807151236';
const CLEAR_REASON = '答复不对，请打我手机一三九 五九八一 二三四五再核实';

describe(`reseal of stored citizen texts (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext;
  afterEach(async () => { await ctx.close(); });

  const q = async (sql: string, replacements: unknown[] = []) =>
    await ctx.services.db.sequelize.query(sql, { replacements, type: 'SELECT' }) as Array<Record<string, unknown>>;

  /** Turns a freshly submitted tip into a row as an older version stored it: texts in clear, nothing sealed but the identity. */
  async function makeOldRow(code: string, keys = ctx.services.config.tips.identityKeys): Promise<void> {
    const vault = createIdentityVault(keys, ctx.services.config.tips.identityHashKey);
    const transcript = JSON.stringify([{ at: new Date().toISOString(), from: 'citizen', kind: 'text', text: CLEAR_DESCRIPTION }]);
    await ctx.services.db.sequelize.query(
      'UPDATE tips SET description = ?, transcript = ?, place_text = ?, reporter_sealed = ?, identity_key_id = ?, texts_version = 0 WHERE code = ?',
      { replacements: [CLEAR_DESCRIPTION, transcript, '列东街道 联系电话0598-8234567', vault.encrypt({ citizenId: 'o-old', phone: '13800002222' }), vault.currentKeyId, code] },
    );
    const [tip] = await q('SELECT id FROM tips WHERE code = ?', [code]);
    await ctx.services.db.sequelize.getQueryInterface().bulkInsert('tip_events', [{
      tip_id: tip!.id, type: 'review_requested', actor_type: 'citizen', from_state: 'answered', to_state: 'in_progress',
      reason: CLEAR_REASON, created_at: new Date(),
    }]);
  }

  it('masks old rows and their citizen events, seals the originals, shows them only on a logged reveal, and keeps events append-only', async () => {
    ctx = await context();
    const admin: Agent = (await staffAgent(ctx, { username: 'admin-reseal', role: 'admin' })).agent;
    const { code } = await ctx.services.tips.desk.submit(submission());
    await makeOldRow(code);

    const report = await ctx.services.tips.reseal();
    expect(report).to.deep.equal({ tips: 1, events: 1 });

    const [row] = await q('SELECT description, transcript, place_text, texts_version FROM tips WHERE code = ?', [code]);
    const [event] = await q("SELECT e.reason, e.data FROM tip_events e JOIN tips t ON t.id = e.tip_id WHERE t.code = ? AND e.type = 'review_requested'", [code]);
    const stored = JSON.stringify({ row, event });
    for (const clear of ['13905981234', '350402198807151236', '8234567', '一三九']) expect(stored).not.to.include(clear);
    expect(row!.description).to.equal('工地欠薪三个月，老板电话139****1234，我的身份证350402********1236');
    expect(Number(row!.texts_version)).to.equal(PERSONAL_DATA_RULE_VERSION);

    const plain = bodyOf<TipDetail>(await admin.get(`/api/staff/tips/${code}`).expect(200));
    expect(JSON.stringify(plain)).not.to.include('13905981234');
    const revealed = bodyOf<TipDetail>(await admin.get(`/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`).expect(200));
    expect(revealed.tip.description).to.equal(CLEAR_DESCRIPTION);
    expect(revealed.tip.place.text).to.equal('列东街道 联系电话0598-8234567');
    expect((revealed.transcript as TranscriptEntry[])[0]?.text).to.equal(CLEAR_DESCRIPTION);
    expect(revealed.events.find((e) => e.type === 'review_requested')?.reason).to.equal(CLEAR_REASON);
    expect(revealed.tip.reporter).to.include({ citizenId: 'o-old', phone: '13800002222' });

    // The guards are back: nothing else may rewrite an event.
    const err = await ctx.services.db.sequelize.query("UPDATE tip_events SET type = 'forged'").then(() => undefined, (e: unknown) => e);
    expect(String((err as { parent?: Error } | undefined)?.parent?.message ?? err)).to.include('append-only');
    // Nothing left to do the second time.
    expect(await ctx.services.tips.reseal()).to.deep.equal({ tips: 0, events: 0 });
  });

  it('passes rows of the rule\'s first version again: what it missed (138，1234，5678) is masked, from the sealed original too', async () => {
    ctx = await context();
    const admin: Agent = (await staffAgent(ctx, { username: 'admin-reseal-v1', role: 'admin' })).agent;
    const vault = createIdentityVault(ctx.services.config.tips.identityKeys, ctx.services.config.tips.identityHashKey);
    // As version 1 stored them: what it found masked with the original sealed, the rest in clear.
    const original = '老板电话13905981234，工头手机138，1234，5678';
    const placeText = '列东街道 联系138、2345、6789';
    const { code } = await ctx.services.tips.desk.submit(submission());
    await ctx.services.db.sequelize.query(
      'UPDATE tips SET description = ?, transcript = ?, place_text = ?, reporter_sealed = ?, texts_version = 1 WHERE code = ?',
      { replacements: ['老板电话139****1234，工头手机138，1234，5678', '[]', placeText, vault.encrypt({ citizenId: 'o-v1', texts: { description: original } }), code] },
    );
    expect(PERSONAL_DATA_RULE_VERSION).to.be.greaterThan(1);
    expect(await ctx.services.tips.reseal()).to.deep.equal({ tips: 1, events: 0 });

    const [row] = await q('SELECT description, place_text, texts_version FROM tips WHERE code = ?', [code]);
    expect(row).to.deep.include({ description: '老板电话139****1234，工头手机138****5678', place_text: '列东街道 联系138****6789' });
    expect(Number(row!.texts_version)).to.equal(PERSONAL_DATA_RULE_VERSION);
    const revealed = bodyOf<TipDetail>(await admin.get(`/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`).expect(200));
    expect(revealed.tip.description).to.equal(original);
    expect(revealed.tip.place.text).to.equal(placeText);
    expect(await ctx.services.tips.reseal()).to.deep.equal({ tips: 0, events: 0 });
  });

  it('keeps no originals for an anonymous tip: its seal holds the openid alone', async () => {
    ctx = await context();
    const { code } = await ctx.services.tips.desk.submit(submission({ contact: { anonymous: true } }));
    await makeOldRow(code);
    await ctx.services.db.sequelize.query('UPDATE tips SET anonymous = ? WHERE code = ?', { replacements: [true, code] });
    await ctx.services.tips.reseal();
    const [row] = await q('SELECT description, reporter_sealed FROM tips WHERE code = ?', [code]);
    const [event] = await q("SELECT e.reason, e.data FROM tip_events e JOIN tips t ON t.id = e.tip_id WHERE t.code = ? AND e.type = 'review_requested'", [code]);
    const vault = createIdentityVault(ctx.services.config.tips.identityKeys, ctx.services.config.tips.identityHashKey);
    expect(vault.decrypt(String(row!.reporter_sealed))).to.deep.equal({ citizenId: 'o-old' });
    expect(String(row!.description)).not.to.include('13905981234');
    expect(event!.data).to.equal(null);
    expect(String(event!.reason)).not.to.match(/一三九|5981/);
  });

  it('masks an emergency cue in the colour reason and the received event that older rows quote in clear; an anonymous row\'s keep no digit', async () => {
    ctx = await context();
    const cue = '紧急情况：进山采药我手机13812345678一直等';
    const rows = [];
    for (const anonymous of [false, true]) {
      const { code } = await ctx.services.tips.desk.submit(submission({ contact: { anonymous } }));
      await makeOldRow(code);
      await ctx.services.db.sequelize.query('UPDATE tips SET anonymous = ?, colour_reason = ? WHERE code = ?', { replacements: [anonymous, cue, code] });
      const [tip] = await q('SELECT id FROM tips WHERE code = ?', [code]);
      await ctx.services.db.sequelize.getQueryInterface().bulkInsert('tip_events', [{
        tip_id: tip!.id, type: 'received', actor_type: 'citizen', to_state: 'received',
        data: JSON.stringify({ colour: 'red', reasons: [cue], danger: false }), created_at: new Date(),
      }]);
      rows.push({ code, anonymous });
    }
    await ctx.services.tips.reseal();
    for (const { code, anonymous } of rows) {
      const [row] = await q('SELECT colour_reason FROM tips WHERE code = ?', [code]);
      const events = await q("SELECT e.data FROM tip_events e JOIN tips t ON t.id = e.tip_id WHERE t.code = ? AND e.type = 'received'", [code]);
      const shown = anonymous ? '紧急情况：进山采药我手机***********一直等' : '紧急情况：进山采药我手机138****5678一直等';
      expect(row!.colour_reason, code).to.equal(shown);
      for (const e of events) expect(String(e.data), code).not.to.include('12345678');
      expect(events.some((e) => (JSON.parse(String(e.data)) as { reasons: string[] }).reasons.includes(shown))).to.equal(true);
    }
  });

  it('--rotate-keys seals every row again under the first key, so the old one can go', async () => {
    const oldKeys = `k1:${randomBytes(32).toString('base64')}`;
    const both = `k2:${randomBytes(32).toString('base64')},${oldKeys}`;
    ctx = await context({ tips: { identityKeys: both } });
    const { code } = await ctx.services.tips.desk.submit(submission());
    await makeOldRow(code, oldKeys);
    await ctx.services.tips.reseal({ rotate: true });
    const [row] = await q('SELECT reporter_sealed, identity_key_id FROM tips WHERE code = ?', [code]);
    const [event] = await q("SELECT e.data FROM tip_events e JOIN tips t ON t.id = e.tip_id WHERE t.code = ? AND e.type = 'review_requested'", [code]);
    expect(row!.identity_key_id).to.equal('k2');
    const newOnly = createIdentityVault(both.split(',')[0]!, ctx.services.config.tips.identityHashKey);
    expect(newOnly.decrypt(String(row!.reporter_sealed)).texts?.description).to.equal(CLEAR_DESCRIPTION);
    expect(newOnly.openText((JSON.parse(String(event!.data)) as { sealedReason: string }).sealedReason)).to.equal(CLEAR_REASON);
    expect(await ctx.services.tips.reseal({ rotate: true })).to.deep.equal({ tips: 0, events: 0 });
  });
});
