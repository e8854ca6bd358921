import { expect } from 'chai';
import { citizen, harness, send, type Harness } from './engine-harness.js';

async function toPlaceStep(h: Harness, who = citizen()) {
  expect(await send(h, '举报', who)).to.contain('类别');
  expect(await send(h, '1', who)).to.contain('描述');
  await send(h, '村口小卖部每天晚上有人聚众赌博', who);
  expect(await send(h, '好了', who)).to.match(/地点|位置/);
}

describe('bot: tip flow', () => {
  it('walks the five steps with a location message and commits once', async () => {
    const h = await harness();
    await toPlaceStep(h);
    const place = await send(h, { kind: 'location', latitude: 26.39, longitude: 117.78, label: '福建省三明市沙县区凤岗街道府西路' });
    expect(place).to.contain('联系');
    const summary = await send(h, '138 1234 5678');
    expect(summary).to.contain('确认').and.contain('138****5678').and.contain('治安线索');
    const done = await send(h, '确认');
    expect(done).to.contain('受理编号：SM251126AAAAAA').and.contain('11月27日').and.contain('1月25日');

    expect(h.desk.tips).to.have.length(1);
    const s = h.desk.submitCalls[0]!;
    expect(s.category).to.equal('security');
    expect(s.description).to.equal('村口小卖部每天晚上有人聚众赌博');
    expect(s.place).to.deep.include({ countyCode: '350405', townshipCode: '350405001', latitude: 26.39, longitude: 117.78 });
    expect(s.contact).to.deep.equal({ anonymous: false, phone: '13812345678' });
    // The reporter's number lives only in the sealed identity; the transcript keeps it masked.
    const said = s.transcript.map((e) => e.text ?? '').join('\n');
    expect(said).to.not.match(/1234\s?5678/);
    expect(said).to.contain('138****5678');
    expect(s.danger).to.equal(false);
    // The law asks for the chat itself: both sides, in order.
    expect(s.transcript.filter((e) => e.from === 'citizen').map((e) => e.text)).to.include.members(['举报', '1', '好了', '确认']);
    expect(s.transcript.some((e) => e.from === 'bot' && e.text?.includes('描述'))).to.equal(true);
    expect(s.transcript[0]).to.include({ from: 'citizen', kind: 'text', text: '举报' });
  });

  it('takes the name written beside the number as the reporter\'s, sealed with the number, masked in the transcript', async () => {
    const h = await harness();
    await toPlaceStep(h);
    await send(h, '跳过');
    expect(await send(h, '王建国 13912345678')).to.contain('联系方式：139****5678').and.not.contain('王建国');
    await send(h, '确认');
    const s = h.desk.submitCalls[0]!;
    expect(s.contact).to.deep.equal({ anonymous: false, phone: '13912345678', name: '王建国' });
    const said = s.transcript.map((e) => e.text ?? '').join('\n');
    expect(said).to.contain('*** 139****5678').and.not.contain('王建国');
  });

  it('masks a name in a contact answer it could not take, and keeps no name for 匿名', async () => {
    const h = await harness();
    await toPlaceStep(h);
    await send(h, '跳过');
    expect(await send(h, '王先生 0598-8234567')).to.contain('手机号');
    await send(h, '匿名');
    await send(h, '确认');
    const s = h.desk.submitCalls[0]!;
    expect(s.contact).to.deep.equal({ anonymous: true });
    const said = s.transcript.map((e) => e.text ?? '').join('\n');
    expect(said).to.not.contain('王先生').and.not.match(/8234567/);
  });

  it('takes a county and township typed as text, and 匿名', async () => {
    const h = await harness();
    await toPlaceStep(h);
    expect(await send(h, '清流县嵩溪镇')).to.contain('清流县嵩溪镇').and.contain('联系');
    expect(await send(h, '匿名')).to.contain('确认');
    await send(h, '确认');
    const s = h.desk.submitCalls[0]!;
    expect(s.place).to.deep.equal({ countyCode: '350423', townshipCode: '350423101', text: '清流县嵩溪镇' });
    expect(s.contact).to.deep.equal({ anonymous: true });
  });

  it('tells an anonymous reporter that staff see a sent location exactly, and how to give the township instead', async () => {
    const h = await harness({ messagesPerMinute: 1000 });
    await toPlaceStep(h);
    await send(h, { kind: 'location', latitude: 26.39, longitude: 117.78, label: '福建省三明市沙县区凤岗街道府西路' });
    const summary = await send(h, '匿名');
    expect(summary).to.contain('您选了匿名：您发送的位置，工作人员能看到具体在哪').and.contain('回复「修改」');
    await send(h, '修改');
    await send(h, '3');
    expect(await send(h, '沙县区凤岗街道')).to.contain('请核对').and.not.contain('您发送的位置');
    expect(await send(h, '确认')).to.contain('受理编号');
    expect(h.desk.submitCalls[0]!.place).to.deep.equal({ countyCode: '350405', townshipCode: '350405001', text: '沙县区凤岗街道' });
    // A named reporter is not told: staff may call them about it.
    const named = citizen('located-named');
    await toPlaceStep(h, named);
    await send(h, { kind: 'location', latitude: 26.39, longitude: 117.78, label: '福建省三明市沙县区凤岗街道府西路' }, named);
    expect(await send(h, '13912345678', named)).to.not.contain('您发送的位置');
  });

  it('lets the place be skipped', async () => {
    const h = await harness();
    await toPlaceStep(h);
    expect(await send(h, '跳过')).to.contain('联系');
    await send(h, '匿名');
    expect(await send(h, '确认')).to.contain('受理编号');
    expect(h.desk.submitCalls[0]!.place).to.deep.equal({});
  });

  it('classifies a first message that already tells the matter', async () => {
    const h = await harness();
    const first = await send(h, '我要举报，村口有人聚众赌博');
    expect(first).to.contain('类别').and.contain('治安线索、扫黑除恶');
    expect(await send(h, '是')).to.contain('描述');
    await send(h, '好了');
    await send(h, '永安');
    await send(h, '匿名');
    await send(h, '确认');
    const s = h.desk.submitCalls[0]!;
    expect(s.category).to.equal('security');
    expect(s.description).to.equal('村口有人聚众赌博');
    expect(s.place).to.deep.equal({ countyCode: '350481', text: '永安' });
  });

  it('starts the flow for a question about how to report, with no words taken for the matter', async () => {
    const h = await harness({ messagesPerMinute: 1000 });
    for (const [i, text] of ['怎么举报', '举报怎么弄', '请问在哪里投诉', '举报电话是多少', '可以反映吗？', '线索怎么提供'].entries()) {
      const reply = await send(h, text, citizen(`how-${i}`));
      expect(reply, text).to.match(/^好的，我来帮您一步一步填写/).and.contain('请选择您要反映的问题类别');
    }
    // Asked with the matter: the matter is the start of the description.
    expect(await send(h, '怎么举报村干部贪污低保款', citizen('how-told'))).to.contain('已记下您说的情况').and.contain('检举控告');
  });

  it('starts the flow for 「我要上访」, 「我要申诉」 and 「我要告状」, the words after them the matter', async () => {
    const h = await harness({ messagesPerMinute: 1000 });
    for (const [i, text] of ['我要上访', '我想申诉', '我要告状', '怎么上访'].entries()) {
      const reply = await send(h, text, citizen(`petition-${i}`));
      expect(reply, text).to.match(/^好的，我来帮您一步一步填写/).and.contain('请选择您要反映的问题类别');
    }
    const told = await send(h, '我要告状 村里征地的补偿款一直不给我们', citizen('petition-told'));
    expect(told).to.contain('已记下您说的情况').and.contain('矛盾纠纷');
    // A greeting first, and 「一个问题」 after the trigger, are neither the matter nor in its way.
    for (const [i, text] of ['你好 我想举报', '在吗 我要投诉', '领导你好 我要反映情况'].entries()) {
      expect(await send(h, text, citizen(`greeted-${i}`)), text).to.match(/^好的，我来帮您一步一步填写/).and.contain('请选择您要反映的问题类别');
    }
    await send(h, '您好，我要反映一个问题 村里的路被挖断了', citizen('greeted-told'));
    await send(h, '10', citizen('greeted-told'));
    await send(h, '好了', citizen('greeted-told'));
    await send(h, '跳过', citizen('greeted-told'));
    await send(h, '匿名', citizen('greeted-told'));
    await send(h, '确认', citizen('greeted-told'));
    expect(h.desk.submitCalls.at(-1)?.description).to.equal('村里的路被挖断了');
    // Going to petition somewhere, told as a threat, is the matter itself: no flow started by it.
    expect(await send(h, '再不解决我们就去北京上访', citizen('petition-threat'))).to.not.match(/^好的，我来帮您一步一步填写/);
  });

  it('guesses the category from the sentence model where no rule names it, and answers 「是」 with no guess with the list', async () => {
    const h = await harness({ messagesPerMinute: 1000 });
    await send(h, '举报');
    const guessed = await send(h, '我们小区门口有人摆摊卖假药 专门骗老人');
    expect(guessed).to.contain('对吗').and.contain('回复「是」');
    const other = citizen('no-guess');
    await send(h, '举报', other);
    for (const word of ['是', '好了']) {
      expect(await send(h, word, other), word).to.match(/^请从下面选一个类别，回复前面的数字；不知道选哪个，回复「10」也可以/);
    }
  });

  it('lets the citizen pick another category than the guess', async () => {
    const h = await harness();
    await send(h, '我要投诉，隔壁邻居天天吵架');
    expect(await send(h, '4')).to.contain('涉法涉诉');
  });

  it('keeps voice (with and without recognition) and images', async () => {
    const h = await harness();
    await send(h, '举报');
    await send(h, '3');
    expect(await send(h, { kind: 'voice', text: '邻居把垃圾倒在我家门口。', mediaId: 'v1' })).to.contain('邻居把垃圾倒在我家门口');
    expect(await send(h, { kind: 'voice', mediaId: 'v2' })).to.contain('没能转成文字');
    expect(await send(h, { kind: 'image', mediaId: 'p1' })).to.contain('照片已收到');
    await send(h, '好了');
    await send(h, '跳过');
    await send(h, '匿名');
    await send(h, '确认');
    const s = h.desk.submitCalls[0]!;
    expect(s.description).to.equal('邻居把垃圾倒在我家门口');
    expect(s.attachments).to.deep.equal([
      { type: 'voice', mediaId: 'v1' }, { type: 'voice', mediaId: 'v2' }, { type: 'image', mediaId: 'p1' },
    ]);
    expect(s.transcript.find((e) => e.mediaId === 'v2')).to.include({ kind: 'voice', from: 'citizen' });
  });

  it('keeps photos sent before any words for the tip the words start, and drops them when declined or left', async () => {
    // Photos, then the matter in words: one 「是」 files both, the photos' messages first in the transcript.
    const h = await harness();
    expect(await send(h, { kind: 'image', mediaId: 'p1' })).to.contain('照片收到了').and.contain('不用重发');
    await send(h, { kind: 'video', mediaId: 'v1' });
    expect(await send(h, '村口的垃圾堆了半个月了 臭得要命 没人管')).to.contain('要我帮您登记');
    await send(h, '是');
    await send(h, '跳过');
    expect(await send(h, '匿名')).to.contain('附件：2个');
    await send(h, '确认');
    const s = h.desk.submitCalls[0]!;
    expect(s.attachments).to.deep.equal([{ type: 'image', mediaId: 'p1' }, { type: 'video', mediaId: 'v1' }]);
    expect(s.transcript.findIndex((e) => e.mediaId === 'p1')).to.be.lessThan(s.transcript.findIndex((e) => e.text?.startsWith('村口的垃圾') === true));

    // A photo, then 「举报」: the flow starts with it, and asks for the words.
    const b = citizen('held-then-tip');
    await send(h, { kind: 'image', mediaId: 'p2' }, b);
    await send(h, '举报', b);
    expect(await send(h, '6', b)).to.contain('1个照片、视频已放进来了');
    await send(h, '河边有人倒建筑垃圾', b);
    for (const m of ['好了', '跳过', '匿名', '确认']) await send(h, m, b);
    expect(h.desk.submitCalls[1]!.attachments).to.deep.equal([{ type: 'image', mediaId: 'p2' }]);

    // A draft put aside at the idle timeout, a photo, then 「继续」: the photo joins that draft.
    const e = citizen('held-resumed');
    for (const m of ['举报', '3', '邻居家装修天天到半夜']) await send(h, m, e);
    h.clock.advance(31);
    expect(await send(h, { kind: 'image', mediaId: 'p5' }, e)).to.contain('照片收到了');
    await send(h, '继续', e);
    for (const m of ['好了', '跳过', '匿名', '确认']) await send(h, m, e);
    expect(h.desk.submitCalls.at(-1)!.attachments).to.deep.equal([{ type: 'image', mediaId: 'p5' }]);
    expect(h.desk.submitCalls.at(-1)!.description).to.equal('邻居家装修天天到半夜');

    // Danger told after a photo: the photo is in the words kept for it.
    const f = citizen('held-danger');
    await send(h, { kind: 'image', mediaId: 'p6' }, f);
    expect(await send(h, '有人在撬我家门 我一个人在家', f)).to.match(/^请马上拨打110/);
    for (const m of ['是', '跳过', '匿名', '确认']) await send(h, m, f);
    expect(h.desk.submitCalls.at(-1)!.attachments).to.deep.equal([{ type: 'image', mediaId: 'p6' }]);

    // Declined with the offer, or left past the idle timeout: the next tip starts without them.
    const c = citizen('held-declined');
    await send(h, { kind: 'image', mediaId: 'p3' }, c);
    await send(h, '楼下有人乱停车', c);
    await send(h, '不用', c);
    await send(h, '举报', c);
    expect(await send(h, '10', c)).to.contain('请描述一下情况');
    const d = citizen('held-idle');
    await send(h, { kind: 'image', mediaId: 'p4' }, d);
    h.clock.advance(31);
    await send(h, '举报', d);
    expect(await send(h, '10', d)).to.contain('请描述一下情况');
  });

  it('keeps a location sent before any words as the place of the tip the words start, and does not ask the place again', async () => {
    const h = await harness();
    const at = { kind: 'location' as const, latitude: 26.2654, longitude: 117.6387, label: '三元区列东街道东新四路' };
    // The location, then the matter in words: 「是」 goes on to the contact, the place kept.
    expect(await send(h, at)).to.contain('位置收到了').and.contain('不用重发');
    expect(await send(h, '这里的下水道堵了一个星期 污水流到马路上')).to.contain('要我帮您登记');
    expect(await send(h, '是')).to.contain('先前发的位置').and.contain('手机号');
    for (const m of ['匿名', '确认']) await send(h, m);
    const s = h.desk.submitCalls[0]!;
    expect(s.place).to.include({ latitude: 26.2654, longitude: 117.6387, countyCode: '350404' });
    expect(s.transcript.findIndex((e) => e.kind === 'location')).to.be.lessThan(s.transcript.findIndex((e) => e.text?.startsWith('这里的下水道') === true));

    // The location, then 「举报」: after the words, 「好了」 skips the place question.
    const b = citizen('held-location-tip');
    await send(h, at, b);
    await send(h, '举报', b);
    await send(h, '5', b);
    await send(h, '路边有人烧垃圾 烟很大', b);
    const after = await send(h, '好了', b);
    expect(after).to.contain('先前发的位置').and.contain('手机号').and.not.contain('事情发生在什么地点');
    for (const m of ['匿名', '确认']) await send(h, m, b);
    expect(h.desk.submitCalls[1]!.place).to.include({ latitude: 26.2654 });
    // 返回 from the contact goes back to the place question, where it can be changed or left out.
    const e = citizen('held-location-back');
    await send(h, at, e);
    for (const m of ['举报', '5', '路边有人烧垃圾', '好了']) await send(h, m, e);
    expect(await send(h, '返回', e)).to.contain('事情发生在什么地点');
    for (const m of ['跳过', '匿名', '确认']) await send(h, m, e);
    expect(h.desk.submitCalls[2]!.place).to.not.have.property('latitude');

    // Left past the idle timeout, it is dropped: the next tip asks the place.
    const c = citizen('held-location-idle');
    await send(h, at, c);
    h.clock.advance(31);
    for (const m of ['举报', '5', '路边有人烧垃圾']) await send(h, m, c);
    expect(await send(h, '好了', c)).to.contain('事情发生在什么地点');
  });

  it('asks for words before moving on from an empty description', async () => {
    const h = await harness();
    await send(h, '举报');
    await send(h, '1');
    expect(await send(h, '好了')).to.contain('还没有收到');
  });

  it('cancels at any step', async () => {
    const h = await harness();
    await toPlaceStep(h);
    expect(await send(h, '取消')).to.contain('已取消');
    expect(await send(h, '匿名')).to.contain('举报'); // no flow any more: the help
    expect(h.desk.submitCalls).to.have.length(0);
  });

  it('goes back with 返回, and with 修改 at 确认 asks which part', async () => {
    const h = await harness();
    await toPlaceStep(h);
    await send(h, '跳过');
    expect(await send(h, '返回')).to.match(/地点|位置/);
    await send(h, '沙县区凤岗街道');
    await send(h, '13912345678');
    expect(await send(h, '修改')).to.contain('要改哪一项').and.contain('4. 联系方式');
    expect(await send(h, '4')).to.contain('手机号');
    expect(await send(h, '12345')).to.contain('手机号好像不对');
    expect(await send(h, '15912345678')).to.contain('159****5678');
    await send(h, '确认');
    const s = h.desk.submitCalls[0]!;
    expect(s.place).to.deep.include({ countyCode: '350405', townshipCode: '350405001' });
    expect(s.contact.phone).to.equal('15912345678');
  });

  it('after 修改 at 确认, the part answered again leads back to 确认, the rest kept', async () => {
    const h = await harness({ messagesPerMinute: 1000 });
    await toPlaceStep(h);
    await send(h, '沙县区凤岗街道');
    expect(await send(h, '13912345678')).to.contain('确认');

    await send(h, '修改');
    expect(await send(h, '5')).to.contain('没认出来').and.contain('要改哪一项');
    const place = await send(h, '3');
    expect(place).to.contain('地点');
    const back = await send(h, '三元区列东街道');
    expect(back).to.contain('请核对').and.contain('列东街道').and.contain('139****5678');

    // Asked to say it again, then nothing new: what was said stands.
    await send(h, '修改');
    expect(await send(h, '2')).to.contain('重新说');
    expect(await send(h, '好了')).to.contain('请核对').and.contain('描述：村口小卖部每天晚上有人聚众赌博');

    await send(h, '修改');
    expect(await send(h, '改一下描述')).to.contain('重新说');
    await send(h, '楼下的烧烤摊每天开到凌晨两点');
    expect(await send(h, '好了')).to.contain('请核对').and.contain('描述：楼下的烧烤摊每天开到凌晨两点');

    await send(h, '修改');
    expect(await send(h, '1')).to.contain('类别');
    expect(await send(h, '3')).to.contain('请核对').and.contain('类别：矛盾纠纷');

    await send(h, '修改');
    const located = await send(h, { kind: 'location', latitude: 26.26, longitude: 117.63, label: '三明市沙县区凤岗街道府西路' });
    expect(located).to.contain('位置已记下').and.contain('请核对').and.contain('府西路');

    await send(h, '修改');
    expect(await send(h, '15912345678')).to.contain('请核对').and.contain('159****5678');
    expect(await send(h, '确认')).to.contain('受理编号');
    const s = h.desk.submitCalls[0]!;
    expect(s.description).to.equal('楼下的烧烤摊每天开到凌晨两点');
    expect(s.category).to.equal('dispute');
    expect(s.place).to.deep.include({ countyCode: '350405', latitude: 26.26 });
    expect(s.contact.phone).to.equal('15912345678');
    // What was said first is not lost: staff read it in the transcript.
    expect(s.transcript.map((e) => e.text).join('\n')).to.contain('村口小卖部每天晚上有人聚众赌博');
  });

  it('goes back to 确认 with 返回 inside an edit, from any part and from the menu, the rest kept', async () => {
    const h = await harness({ messagesPerMinute: 1000 });
    await toPlaceStep(h);
    await send(h, '沙县区凤岗街道');
    await send(h, '13912345678');
    for (const part of ['1', '2', '3', '4']) {
      await send(h, '修改');
      await send(h, part);
      const back = await send(h, '返回');
      expect(back, part).to.match(/^好的，回到核对。\n请核对/).and.contain('类别：治安线索').and.contain('凤岗街道').and.contain('139****5678')
        .and.contain('描述：村口小卖部每天晚上有人聚众赌博');
    }
    await send(h, '修改');
    expect(await send(h, '返回')).to.contain('请核对');
    // Out of the edit, 返回 goes back a step as anywhere else.
    expect(await send(h, '返回')).to.contain('回到上一步').and.contain('手机号');
    expect(await send(h, '13912345678')).to.contain('请核对');
    expect(await send(h, '确认')).to.contain('受理编号');
    expect(h.desk.submitCalls[0]!.category).to.equal('security');
  });

  it('answers 「好了」 at the place step with where the citizen is, and takes it for no place', async () => {
    const h = await harness();
    await toPlaceStep(h);
    expect(await send(h, '好了')).to.match(/^您说的情况已记下，现在要填的是地点。\n事情发生在什么地点？/);
    expect(await send(h, '跳过')).to.contain('手机号');
  });

  it('reads a location without a label back as 「您发送的位置」, never as coordinates, and keeps them', async () => {
    const h = await harness();
    await toPlaceStep(h);
    await send(h, { kind: 'location', latitude: 26.26, longitude: 117.63 });
    const summary = await send(h, '匿名');
    expect(summary).to.contain('地点：您发送的位置').and.not.contain('117.63');
    await send(h, '确认');
    expect(h.desk.submitCalls[0]?.place).to.deep.include({ latitude: 26.26, longitude: 117.63 });
  });

  it('says 110 at once on danger words and flags the draft', async () => {
    const h = await harness();
    await send(h, '举报');
    await send(h, '1');
    const reply = await h.bot.handle({ kind: 'text', text: '他拿着刀说要砍人', citizen: citizen(), receivedAt: new Date() });
    expect(reply.parts[0]).to.deep.include({ type: 'text' });
    expect(reply.parts[0]?.type === 'text' && reply.parts[0].text).to.contain('110');
    await send(h, '好了');
    await send(h, '跳过');
    await send(h, '匿名');
    await send(h, '确认');
    expect(h.desk.submitCalls[0]!.danger).to.equal(true);
    expect(h.desk.submitCalls[0]!.transcript.some((e) => e.from === 'bot' && e.text?.includes('110'))).to.equal(true);
  });

  it('answers 110 for danger words outside a flow too', async () => {
    const h = await harness();
    const reply = await send(h, '我邻居说要跳楼');
    expect(reply).to.contain('110').and.contain('回复「是」');
  });

  it('keeps the draft when the store is down and tells the citizen', async () => {
    const h = await harness();
    await toPlaceStep(h);
    await send(h, '跳过');
    await send(h, '匿名');
    h.desk.failSubmit = true;
    const failed = await send(h, '确认');
    expect(failed).to.contain('还没有提交成功').and.contain('确认');
    expect(failed).not.to.contain('受理编号');
    h.desk.failSubmit = false;
    expect(await send(h, '确认')).to.contain('受理编号');
    expect(h.desk.tips).to.have.length(1);
    expect(h.desk.submitCalls[0]!.submissionKey).to.equal(h.desk.submitCalls[1]!.submissionKey);
  });

  it('makes one tip from the same 确认 delivered three times', async () => {
    const h = await harness();
    await toPlaceStep(h);
    await send(h, '跳过');
    await send(h, '匿名');
    const replies = await Promise.all([send(h, '确认'), send(h, '确认'), send(h, '确认')]);
    for (const r of replies) expect(r).to.contain('受理编号：SM251126AAAAAA');
    expect(h.desk.tips).to.have.length(1);
    expect(new Set(h.desk.submitCalls.map((s) => s.submissionKey)).size).to.equal(1);
  });

  it('makes one tip when two processes sharing the store both get 确认', async () => {
    const a = await harness();
    const b = await harness({}, { desk: a.desk, store: a.store, clock: a.clock });
    await toPlaceStep(a);
    await send(a, '跳过');
    await send(a, '匿名');
    const [ra, rb] = await Promise.all([send(a, '确认'), send(b, '确认')]);
    expect(ra).to.contain('受理编号：SM251126AAAAAA');
    expect(rb).to.contain('受理编号：SM251126AAAAAA');
    expect(a.desk.tips).to.have.length(1);
    expect(new Set(a.desk.submitCalls.map((s) => s.submissionKey)).size).to.equal(1);
  });

  it('keeps two citizens apart when their messages interleave', async () => {
    const h = await harness();
    const a = citizen('a');
    const b = citizen('b');
    await send(h, '举报', a);
    await send(h, '举报', b);
    await send(h, '1', a);
    await send(h, '6', b);
    await send(h, '有人赌博', a);
    await send(h, '河里有人电鱼', b);
    for (const who of [a, b]) {
      await send(h, '好了', who);
      await send(h, '跳过', who);
      await send(h, '匿名', who);
    }
    await send(h, '确认', b);
    await send(h, '确认', a);
    const byId = Object.fromEntries(h.desk.submitCalls.map((s) => [s.citizen.id, s]));
    expect(byId.a).to.deep.include({ category: 'security', description: '有人赌博' });
    expect(byId.b).to.deep.include({ category: 'ecology', description: '河里有人电鱼' });
  });
});
