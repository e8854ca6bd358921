// The staff rooms' feed read from the event log: red tips (new or raised to red) and assignments,
// in order, from a position; null starts at the present. Through the real desk and service.
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { context, staffAgent, submission } from './helpers.js';
import { createAnnouncer } from '../../src/tips/announcer.js';
import { createTipRepository } from '../../src/tips/repository.js';

describe('tips: the staff-room announcement feed', () => {
  let ctx: TestContext;
  before(async () => { ctx = await context(); });
  after(async () => { await ctx.close(); });

  it('lists red tips, tips raised to red and assignments after a position, each once, never the reporter', async () => {
    const announcer = createAnnouncer(createTipRepository(ctx.services.db));
    const desk = ctx.services.tips.desk;
    await desk.submit(submission({ danger: true, description: '之前的红色事项' }));
    const start = await announcer.listSince(null);
    expect(start.items).to.deep.equal([]);

    const red = await desk.submit(submission({ danger: true, description: '有人在楼下持刀威胁' }));
    const green = await desk.submit(submission({ description: '路灯坏了很久没人修' }));
    const { agent } = await staffAgent(ctx, { username: 'boss', role: 'supervisor' });
    await agent.post(`/api/staff/tips/${green.code}/colour`).send({ colour: 'red', reason: '群众反映情况紧急' }).expect(200);
    await agent.post(`/api/staff/tips/${red.code}/assign`).send({ countyCode: '350404' }).expect(200);

    const batch = await announcer.listSince(start.cursor);
    const said = batch.items.map((i) => [i.announcement.kind, i.announcement.code]);
    expect(said).to.deep.equal([['new_red', red.code], ['new_red', green.code], ['assigned', red.code]]);
    const assigned = batch.items[2]!.announcement;
    expect(assigned.unitName).to.be.a('string').and.not.equal('');
    expect(JSON.stringify(batch)).to.not.contain('张三').and.not.contain('13912345678');
    // Positions grow, and the batch's cursor is past its last event.
    const ids = batch.items.map((i) => i.eventId);
    expect(ids).to.deep.equal([...ids].sort((a, b) => a - b));
    expect(batch.cursor).to.be.at.least(ids.at(-1)!);
    expect((await announcer.listSince(batch.cursor)).items).to.deep.equal([]);
  });

  it('never announces a 检举控告 tip, red or near its deadline: a staff room may hold the accused unit', async () => {
    const announcer = createAnnouncer(createTipRepository(ctx.services.db));
    const desk = ctx.services.tips.desk;
    const start = await announcer.listSince(null);
    const accusation = await desk.submit(submission({ danger: true, category: 'report', description: '派出所某民警收钱还打人' }));
    const red = await desk.submit(submission({ danger: true, description: '楼下有人打架见血了' }));
    const batch = await announcer.listSince(start.cursor);
    expect(batch.items.map((i) => i.announcement.code)).to.deep.equal([red.code]);
    await ctx.services.db.sequelize.query('UPDATE tips SET due_at = ?', { replacements: [new Date(Date.now() + 3_600_000)] });
    const due = (await announcer.listDueSoon(24)).map((a) => a.code);
    expect(due).to.include(red.code).and.not.include(accusation.code);
  });

  it('never announces a tip that names an accused unit, whatever its type: the policy hides it from that unit', async () => {
    const announcer = createAnnouncer(createTipRepository(ctx.services.db));
    const desk = ctx.services.tips.desk;
    const { agent } = await staffAgent(ctx, { username: 'boss-accused', role: 'supervisor' });
    const start = await announcer.listSince(null);
    // 涉法涉诉 about how the police handled a matter: not 检举控告, yet it names the police.
    const named = await desk.submit(submission({ category: 'legal', description: '派出所办案拖了半年没有结果' }));
    const plain = await desk.submit(submission({ description: '小区路灯坏了很久没人修' }));
    await agent.post(`/api/staff/tips/${named.code}/assign`).send({ countyCode: '350404', accusedUnitKey: 'police' }).expect(200);
    await agent.post(`/api/staff/tips/${plain.code}/assign`).send({ countyCode: '350404' }).expect(200);
    const batch = await announcer.listSince(start.cursor);
    expect(batch.items.map((i) => i.announcement.code)).to.deep.equal([plain.code]);
    await ctx.services.db.sequelize.query('UPDATE tips SET due_at = ?', { replacements: [new Date(Date.now() + 3_600_000)] });
    const due = (await announcer.listDueSoon(24)).map((a) => a.code);
    expect(due).to.include(plain.code).and.not.include(named.code);
  });
});
