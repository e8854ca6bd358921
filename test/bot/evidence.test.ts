// Evidence is never swallowed (engine level, with the plain-object desk): the message limit counts
// messages, not the photos of a tip being written; a limited message is told so first; a waiting
// notice goes after the answer and counts as delivered only when the adapter says so.
import { expect } from 'chai';
import type { BotReply } from '../../src/bot/types.js';
import { citizen, harness, input, send, texts } from './engine-harness.js';

const LIMITED = '发得有点快';

const firstText = (r: BotReply): string => {
  const p = r.parts[0];
  return p?.type === 'text' ? p.text : `[${p?.type}]`;
};

describe('bot: evidence is never swallowed', () => {
  it('answers photo 18 and 「好了」 of a tip draft within the minute: photos are not counted, text still is', async () => {
    const h = await harness({ messagesPerMinute: 5 });
    expect(await send(h, '举报')).to.contain('类别');
    expect(await send(h, '1')).to.contain('描述');
    await send(h, '村口小卖部每天晚上有人聚众赌博');
    for (let i = 1; i <= 20; i += 1) {
      const reply = await send(h, { kind: 'image', mediaId: `photo-${i}` });
      expect(reply, `photo ${i}`).to.contain('收到').and.not.contain(LIMITED);
    }
    // Voice and video for the same tip do not count either.
    expect(await send(h, { kind: 'voice', mediaId: 'voice-1' })).to.not.contain(LIMITED);
    expect(await send(h, { kind: 'video', mediaId: 'video-1' })).to.not.contain(LIMITED);
    expect(await send(h, '好了')).to.match(/地点|位置/); // the 4th message
    expect(await send(h, { kind: 'location', latitude: 26.39, longitude: 117.78, label: '沙县区凤岗街道' })).to.contain('联系');
    expect(await send(h, '匿名')).to.contain('确认'); // the 5th
    // Text is still limited inside a tip: the 6th message in the minute is refused, and said so.
    expect(await send(h, '确认')).to.contain(LIMITED).and.contain('没有记下');
    h.clock.advance(2);
    expect(await send(h, '确认')).to.contain('受理编号');
    const s = h.desk.submitCalls[0]!;
    expect(s.attachments.filter((a) => a.type === 'image')).to.have.length(20);
    expect(s.attachments.map((a) => a.mediaId)).to.include('photo-18');
  });

  it('never says a photo or voice was received when the channel gave nothing to keep (Wechaty: no mediaId)', async () => {
    const h = await harness();
    await send(h, '举报');
    await send(h, '1');
    const photo = await send(h, { kind: 'image' });
    expect(photo).to.contain('收不到').and.not.contain('已收到');
    expect(await send(h, { kind: 'voice' })).to.contain('打字').and.not.contain('已保存');
    // Nothing was kept, so there is nothing yet to file.
    expect(await send(h, '好了')).to.contain('还没有收到您的描述');
    // Voice the official account could not recognise is kept, and the citizen is asked to type it.
    expect(await send(h, { kind: 'voice', mediaId: 'voice-kept' })).to.contain('已保存').and.contain('打字').and.not.contain('听原声');
  });

  it('keeps at most 30 attachments for one tip, and says so for the next one', async () => {
    const h = await harness();
    for (const m of ['举报', '1', '村口有人非法倾倒垃圾']) await send(h, m);
    for (let i = 1; i <= 30; i += 1) expect(await send(h, { kind: 'image', mediaId: `p-${i}` }), `photo ${i}`).to.contain('照片已收到');
    expect(await send(h, { kind: 'image', mediaId: 'p-31' })).to.contain('没有保存').and.contain('最多30个');
    for (const m of ['好了', '跳过', '匿名']) await send(h, m);
    expect(await send(h, '确认')).to.contain('受理编号');
    expect(h.desk.submitCalls[0]!.attachments).to.have.length(30);
  });

  it('tells a message over the limit outside a tip (photos count there) that it was not taken, first, with a notice waiting', async () => {
    const h = await harness({ messagesPerMinute: 2 });
    await send(h, '帮助');
    expect(await send(h, { kind: 'image', mediaId: 'not-for-a-tip' })).to.not.contain(LIMITED);
    h.desk.notices.set('openid-a', ['您反映的SM251126AAAAAA已答复。']);
    const reply = await h.bot.handle(input({ kind: 'text', text: '帮助' }));
    expect(firstText(reply)).to.match(new RegExp(`^[^\\n]*${LIMITED}`)).and.contain('没有记下');
    expect(texts(reply)).to.contain('已答复');
  });

  it('puts a notice that does not fit in one message with the answer in a part of its own, after it', async () => {
    const h = await harness();
    const long = `您反映的事项SM251126AAAAAA已答复：${'经核查'.repeat(300)}`;
    h.desk.notices.set('openid-a', ['短通知', long]);
    const reply = await h.bot.handle(input({ kind: 'text', text: '帮助' }));
    expect(reply.parts).to.have.length(3);
    expect(firstText(reply)).to.not.contain('短通知');
    expect(reply.parts[1]).to.deep.equal({ type: 'text', text: '短通知', notices: [1] });
    expect(reply.parts[2]).to.deep.equal({ type: 'text', text: long, notices: [2] });
  });

  it('leaves notices held until the adapter reports them: delivered ones are done, the others come back at the next message', async () => {
    const h = await harness();
    h.desk.notices.set('openid-a', ['通知一']);
    const first = await h.bot.handle(input({ kind: 'text', text: '帮助' }));
    expect(texts(first)).to.contain('通知一');
    expect(h.desk.delivered).to.deep.equal([]);
    expect([...h.desk.held.keys()]).to.deep.equal([1]);

    await h.bot.noticesSettled(citizen(), [1], 'not_delivered');
    expect(h.desk.released).to.deep.equal([1]);
    const second = await h.bot.handle(input({ kind: 'text', text: '帮助' }));
    expect(texts(second)).to.contain('通知一');
    const part = second.parts.at(-1);
    expect(part?.type === 'text' && part.notices).to.deep.equal([2]);

    await h.bot.noticesSettled(citizen(), [2], 'delivered');
    expect(h.desk.delivered).to.deep.equal([2]);
    expect(texts(await h.bot.handle(input({ kind: 'text', text: '帮助' })))).to.not.contain('通知一');
  });

  it('never rejects when the desk cannot record a delivery', async () => {
    const h = await harness();
    h.desk.noticesDelivered = () => Promise.reject(new Error('db down'));
    await h.bot.noticesSettled(citizen(), [1], 'delivered');
  });
});
