// 补充 in the conversation (engine level, the plain-object desk): a citizen adds words, photos,
// voice or video to a tip they sent while it is being handled; nothing they send is said to be
// added unless the desk took it. The real desk's storage is test/tips/additions.test.ts.
import { expect } from 'chai';
import { citizen, harness, send, type Harness } from './engine-harness.js';

async function submitTip(h: Harness, who = citizen(), words = '村口小卖部每天晚上有人聚众赌博'): Promise<string> {
  for (const m of ['举报', '1', words, '好了', '跳过', '匿名']) await send(h, m, who);
  const reply = await send(h, '确认', who);
  const code = /受理编号：(\w+)/.exec(reply)?.[1];
  if (!code) throw new Error(`not submitted: ${reply}`);
  return code;
}

describe('bot: 补充 adds to a tip already sent', () => {
  it('「补充」 with one tip being handled: words, photos, voice and video go to it, each said added; 「好了」 ends', async () => {
    const h = await harness({ messagesPerMinute: 8 });
    const code = await submitTip(h);
    h.clock.advance(2);
    expect(await send(h, '补充')).to.contain(`补充到「${code}」`).and.contain('好了');
    expect(await send(h, '他们一般晚上十点以后开始 在后面的仓库里')).to.contain(`已经补充到您反映的「${code}」里了`);
    // Evidence for a sent tip is not counted against the message limit, as for a draft.
    for (let i = 1; i <= 8; i += 1) expect(await send(h, { kind: 'image', mediaId: `extra-${i}` }), `photo ${i}`).to.contain(`已补充到「${code}」`);
    expect(await send(h, { kind: 'voice', mediaId: 'voice-1', text: '门口还停着好几辆外地车' })).to.contain('已补充');
    expect(await send(h, { kind: 'video', mediaId: 'video-1' })).to.contain('已补充');
    expect(await send(h, '好了')).to.contain(`都已经加到「${code}」里了`).and.contain(`查询 ${code}`);
    const added = h.desk.additions;
    expect(added.map((a) => a.text ?? a.attachment?.type)).to.deep.equal([
      '他们一般晚上十点以后开始 在后面的仓库里', ...Array<string>(8).fill('image'), '门口还停着好几辆外地车', 'video',
    ]);
    expect(added[9]!.attachment).to.deep.equal({ type: 'voice', mediaId: 'voice-1' });
    expect(new Set(added.map((a) => a.messageKey)).size).to.equal(added.length);
    // The flow is over: words now are a new matter, not an addition.
    await send(h, '路灯坏了');
    expect(h.desk.additions).to.have.length(added.length);
  });

  it('「补充 编号 内容」 adds at once; another citizen\'s code reads as unknown', async () => {
    const h = await harness({ messagesPerMinute: 1000 });
    const code = await submitTip(h);
    // Where the citizen follows the tip, they are told how to add to it.
    expect(await send(h, `查询 ${code}`)).to.contain(`回复「补充 ${code}」`);
    expect(await send(h, `补充 ${code} 老板姓王 开一辆白色面包车`)).to.contain(`已经补充到您反映的「${code}」里了`);
    expect(h.desk.additions[0]).to.include({ code, text: '老板姓王 开一辆白色面包车' });
    // Words right after the code, a number first among them, are all kept; the code typed with spaces too.
    const spaced = `${code.slice(0, 8)} ${code.slice(8)}`;
    expect(await send(h, `补充 ${spaced} 13905981234是他的电话`)).to.contain(`补充到您反映的「${code}」`);
    expect(h.desk.additions[1]).to.include({ code, text: '13905981234是他的电话' });
    const other = citizen('someone-else');
    expect(await send(h, `补充 ${code} 我也看到了`, other)).to.contain('没有找到').and.not.contain('已经补充');
    expect(h.desk.additions).to.have.length(2);
  });

  it('a change told in other words: the message itself is the first addition when it says more', async () => {
    const h = await harness({ messagesPerMinute: 1000 });
    const code = await submitTip(h);
    expect(await send(h, '我刚才举报的 地址说错了 不是城关是列东')).to.contain(`已经补充到您反映的「${code}」里了`);
    expect(h.desk.additions.map((a) => a.text)).to.deep.equal(['我刚才举报的 地址说错了 不是城关是列东']);
    await send(h, '好了');
    // Only the wish to add: the citizen is asked for what to add, nothing is added yet.
    expect(await send(h, '我想补充一下材料')).to.contain(`补充到「${code}」的内容发给我`);
    expect(h.desk.additions).to.have.length(1);
    expect(await send(h, { kind: 'image', mediaId: 'receipt-photo' })).to.contain('已经补充');
    expect(h.desk.additions[1]!.attachment).to.deep.equal({ type: 'image', mediaId: 'receipt-photo' });
  });

  it('with several tips being handled, asks which (by number) and adds the words that waited', async () => {
    const h = await harness({ messagesPerMinute: 1000 });
    const first = await submitTip(h);
    const second = await submitTip(h, citizen(), '小区门口的井盖丢了好几天了');
    const asked = await send(h, '上次投诉的电话写错了 应该是0598-8221234');
    expect(asked).to.contain('2件反映正在办理').and.contain(first).and.contain(second).and.contain('序号');
    expect(h.desk.additions).to.have.length(0);
    expect(await send(h, '3')).to.contain('请回复前面的序号');
    expect(await send(h, '2')).to.contain(`已经补充到您反映的「${second}」里了`);
    expect(h.desk.additions[0]).to.include({ code: second, text: '上次投诉的电话写错了 应该是0598-8221234' });
  });

  it('a tip answered or unknown takes nothing, and says what can be done instead', async () => {
    const h = await harness({ messagesPerMinute: 1000 });
    expect(await send(h, '补充')).to.contain('还没有提交过反映');
    const code = await submitTip(h);
    h.desk.answer(code, '已查处');
    expect(await send(h, '补充')).to.contain('都已经答复或办结').and.contain('复查');
    expect(await send(h, `补充 ${code} 还有一件事`)).to.contain('不能再补充').and.contain(`复查 ${code}`);
    expect(await send(h, `查询 ${code}`)).to.not.contain('补充');
    expect(h.desk.additions).to.have.length(0);
  });

  it('danger told in an addition: the number first, and the tip marked urgent', async () => {
    const h = await harness({ messagesPerMinute: 1000 });
    const code = await submitTip(h, citizen(), '隔壁男的经常喝醉了骂老婆');
    await send(h, '补充');
    const reply = await send(h, '他现在拿着刀在砸门 说要砍死她');
    expect(reply.indexOf('110')).to.be.greaterThan(-1).and.lessThan(reply.indexOf('已经补充'));
    expect(reply).to.contain('标为紧急');
    expect(h.desk.additions[0]).to.include({ code, danger: true });
  });

  it('a store that fails says plainly nothing was added, and the same message sent again is added', async () => {
    const h = await harness({ messagesPerMinute: 1000 });
    const code = await submitTip(h);
    await send(h, '补充');
    h.desk.failAdd = true;
    expect(await send(h, '还有一个人放风')).to.contain('【没有保存上】').and.not.contain('已经补充');
    h.desk.failAdd = false;
    expect(await send(h, '还有一个人放风')).to.contain(`已经补充到您反映的「${code}」里了`);
    expect(h.desk.additions.map((a) => a.text)).to.deep.equal(['还有一个人放风']);
  });

  it('lets another command through (「鉴诈 …」, 「查询」), and ends the adding there: what follows is not added', async () => {
    const h = await harness({ messagesPerMinute: 1000 });
    const code = await submitTip(h);
    await send(h, '补充');
    expect(await send(h, '他们还在群里发广告')).to.contain('已经补充到');
    const checked = await send(h, '鉴诈 您的快递丢失 请加客服微信办理理赔 需先缴纳保证金');
    expect(checked).to.contain('【').and.contain(`给「${code}」的补充已结束`).and.not.contain('已补充到');
    expect(await send(h, '谢谢')).to.not.contain('补充');
    expect(await send(h, `查询 ${code}`)).to.contain(`编号：${code}`);
    expect(h.desk.additions.map((a) => a.text)).to.deep.equal(['他们还在群里发广告']);
  });

  it('is not read into other words with 补充 (「补充医疗保险…」), nor taken from a draft being written', async () => {
    const h = await harness({ messagesPerMinute: 1000 });
    await submitTip(h);
    expect(await send(h, '补充医疗保险怎么报销')).to.not.contain('补充到');
    for (const m of ['举报', '1', '菜市场门口天天有人卖假药']) await send(h, m);
    expect(await send(h, '补充')).to.not.contain('补充到「');
    expect(h.desk.additions).to.have.length(0);
  });
});
