// 补充 stored (TipDesk.addToTip on the real database, and through the webhook): an addition is an
// event of the tip, masked with its original sealed, opened only on a logged reveal; a photo
// joins the tip's attachments and is copied like the first ones; the same message is added once;
// danger raises the tip to red and the staff rooms hear of it; a tip no longer handled takes none.
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { supertestTransport } from '../support/webhook-app.js';
import { ChatClient, type DecodedReply } from '../../src/cli/chat-client.js';
import { bodyOf, REVEAL_REASON, type TipDetail } from '../support/api.js';
import { piecesOf } from '../../src/tips/citizen-actions.js';
import { isCoded } from '../../src/platform/errors.js';
import type { TipAddition } from '../../src/bot/ports.js';
import { context, staffAgent, submission } from './helpers.js';

const PHONE = '13905981234';

describe(`tip additions (补充) (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(30_000);
  let ctx: TestContext;
  beforeEach(async () => { ctx = await context(); });
  afterEach(async () => { await ctx.close(); });

  const q = async (sql: string, replacements: unknown[] = []) =>
    await ctx.services.db.sequelize.query(sql, { replacements, type: 'SELECT' }) as Array<Record<string, unknown>>;
  const eventsOf = async (code: string) =>
    q('SELECT e.type, e.actor_type, e.reason, e.note, e.data FROM tip_events e JOIN tips t ON t.id = e.tip_id WHERE t.code = ? ORDER BY e.id', [code]);
  let keys = 0;
  const words = (text: string, over: Partial<TipAddition> = {}): TipAddition => ({ messageKey: `k-${(keys += 1)}`, text, danger: false, ...over });
  const refusal = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
    } catch (err) {
      return isCoded(err) ? err.code : String(err);
    }
    return 'none';
  };

  it('stores words masked, the original sealed and shown only on a logged reveal; a photo joins the attachments to be copied', async () => {
    const desk = ctx.services.tips.desk;
    const sub = submission();
    const { code } = await desk.submit(sub);
    expect(await desk.addToTip(sub.citizen, code, words(`老板的电话是${PHONE} 每天晚上在仓库`))).to.deep.equal({ outcome: 'added', colour: 'green' });
    expect(await desk.addToTip(sub.citizen, code, { messageKey: 'photo-1', attachment: { type: 'image', mediaId: 'media-extra-1' }, danger: false }))
      .to.include({ outcome: 'added' });

    const events = await eventsOf(code);
    expect(events.map((e) => e.type)).to.deep.equal(['received', 'citizen_added', 'citizen_added']);
    expect(events[1]).to.include({ actor_type: 'citizen' });
    expect(String(events[1]!.reason)).to.contain('每天晚上在仓库').and.not.contain(PHONE);
    expect(JSON.stringify(events)).to.not.contain(PHONE);
    expect(events[2]!.note).to.equal('图片（附件 1）');
    const [tip] = await q('SELECT attachments, updated_at FROM tips WHERE code = ?', [code]);
    expect(JSON.parse(String(tip!.attachments))).to.deep.equal([{ type: 'image', mediaId: 'media-extra-1' }]);
    const media = await q('SELECT position, media_type, media_id, state FROM tip_media');
    expect(media).to.deep.equal([{ position: 1, media_type: 'image', media_id: 'media-extra-1', state: 'pending' }]);

    // Staff: masked without the reveal, the original after it (the reveal is logged as ever).
    const { agent } = await staffAgent(ctx, { username: 'triage1', role: 'triage' });
    const masked = bodyOf<TipDetail>(await agent.get(`/api/staff/tips/${code}`).expect(200));
    const addedEvent = masked.events.find((e) => e.type === 'citizen_added' && e.reason);
    expect(addedEvent?.reason).to.contain('每天晚上在仓库').and.not.contain(PHONE);
    const shown = bodyOf<TipDetail>(await agent.get(`/api/staff/tips/${code}?identity=1&reason=${REVEAL_REASON}`).expect(200));
    expect(shown.events.find((e) => e.type === 'citizen_added' && e.reason)?.reason).to.contain(PHONE);
    expect((await eventsOf(code)).filter((e) => e.type === 'identity_viewed')).to.have.length(1);
  });

  it('adds the same message once, also when it comes twice at the same time', async () => {
    const desk = ctx.services.tips.desk;
    const sub = submission();
    const { code } = await desk.submit(sub);
    const once = words('后门还有一个出口');
    const results = await Promise.all([1, 2, 3].map(() => desk.addToTip(sub.citizen, code, once)));
    expect(results.map((r) => r.outcome).sort()).to.deep.equal(['added', 'again', 'again']);
    expect((await eventsOf(code)).filter((e) => e.type === 'citizen_added')).to.have.length(1);
  });

  it('raises the tip to red when the addition tells of danger, and the staff rooms hear of it', async () => {
    const desk = ctx.services.tips.desk;
    const sub = submission({ description: '隔壁男的经常喝醉了骂老婆' });
    const { code, colour } = await desk.submit(sub);
    expect(colour).to.not.equal('red');
    const cursor = (await ctx.services.tips.announcer.listSince(null)).cursor;
    const result = await desk.addToTip(sub.citizen, code, words('他现在拿着刀在砸门 说要砍死她', { danger: true }));
    expect(result.colour).to.equal('red');
    const [tip] = await q('SELECT colour, computed_colour, danger FROM tips WHERE code = ?', [code]);
    expect(tip!.colour).to.equal('red');
    expect(tip!.computed_colour).to.equal('red');
    expect(Boolean(tip!.danger)).to.equal(true);
    const changed = (await eventsOf(code)).find((e) => e.type === 'colour_changed');
    expect(changed).to.include({ actor_type: 'system' });
    expect(JSON.parse(String(changed!.data))).to.deep.equal({ from: colour, to: 'red' });
    const told = await ctx.services.tips.announcer.listSince(cursor);
    const red = told.items.map((i) => i.announcement).filter((a) => a.kind === 'new_red');
    expect(red.map(({ code: c, colour: k, countyName }) => ({ c, k, countyName }))).to.deep.equal([{ c: code, k: 'red', countyName: '三元区' }]);
  });

  it('keeps nothing of an anonymous citizen\'s original, and no digit of a mask', async () => {
    const desk = ctx.services.tips.desk;
    const sub = submission({ contact: { anonymous: true } });
    const { code } = await desk.submit(sub);
    await desk.addToTip(sub.citizen, code, words(`他的电话${PHONE}`));
    const added = (await eventsOf(code)).find((e) => e.type === 'citizen_added')!;
    expect(String(added.reason)).to.not.match(/\d{3}/);
    expect(added.data).to.not.contain('sealedReason');
  });

  it('takes nothing for another citizen\'s code, a tip no longer handled, or past its limits', async () => {
    const desk = ctx.services.tips.desk;
    const sub = submission();
    const { code } = await desk.submit(sub);
    expect(await refusal(desk.addToTip({ channel: 'official_account', id: 'someone-else' }, code, words('我也看到了')))).to.equal('TIP_NOT_FOUND');
    expect(await refusal(desk.addToTip(sub.citizen, code, { messageKey: 'empty', text: '  ', danger: false }))).to.equal('TIP_INVALID');
    await ctx.services.db.sequelize.query('UPDATE tips SET attachments = ? WHERE code = ?', {
      replacements: [JSON.stringify(Array.from({ length: 60 }, (_, i) => ({ type: 'image', mediaId: `m${i}` }))), code],
    });
    expect(await refusal(desk.addToTip(sub.citizen, code, { messageKey: 'photo-61', attachment: { type: 'image', mediaId: 'm61' }, danger: false })))
      .to.equal('TIP_ADDITIONS_FULL');
    await ctx.services.db.sequelize.query("UPDATE tips SET state = 'closed' WHERE code = ?", { replacements: [code] });
    expect(await refusal(desk.addToTip(sub.citizen, code, words('还有一件事')))).to.equal('TIP_CANNOT_ADD');
    expect((await eventsOf(code)).filter((e) => e.type === 'citizen_added')).to.have.length(0);
  });

  it('cuts a long addition into pieces that never split a number', () => {
    const text = `${'情况是这样的'.repeat(80)}电话${PHONE}${'后来又来了'.repeat(40)}`;
    for (const max of [490, 495, 500]) {
      const pieces = piecesOf(`${'啊'.repeat(max - 5)}${text}`, max);
      expect(pieces.join('')).to.equal(`${'啊'.repeat(max - 5)}${text}`);
      expect(pieces.every((p) => p.length <= max)).to.equal(true);
      expect(pieces.some((p) => p.includes(PHONE)), `max ${max}`).to.equal(true);
    }
  });

  it('through the webhook: 补充 then words and a photo are stored on the tip the citizen sent', async () => {
    const textOf = (r: DecodedReply): string => (r.type === 'text' ? r.text : `<${r.type}>`);
    const chat = new ChatClient({ transport: supertestTransport(ctx.callback), token: ctx.config.wechat.token, openid: 'o_adds' });
    for (const m of ['举报', '3', '邻居家装修天天到半夜', '好了', '跳过', '匿名']) await chat.text(m);
    const code = /受理编号：(SM\w+)/.exec(textOf(await chat.text('确认')))?.[1] ?? '';
    expect(code).to.match(/^SM/);
    expect(textOf(await chat.text('补充'))).to.contain(`补充到「${code}」`);
    expect(textOf(await chat.text('周六周日早上七点就开始砸墙'))).to.contain('已经补充到');
    expect(textOf(await chat.image('wall-photo'))).to.contain('已补充');
    expect(textOf(await chat.text('好了'))).to.contain(`都已经加到「${code}」里了`);
    const added = (await eventsOf(code)).filter((e) => e.type === 'citizen_added');
    expect(added.map((e) => e.reason ?? e.note)).to.deep.equal(['周六周日早上七点就开始砸墙', '图片（附件 1）']);
    const [tip] = await q('SELECT attachments FROM tips WHERE code = ?', [code]);
    expect(JSON.parse(String(tip!.attachments))).to.deep.equal([{ type: 'image', mediaId: 'wall-photo' }]);
  });
});
