import { expect } from 'chai';
import { conversationKey } from '../../src/bot/conversation.js';
import { citizen, harness, input, send, JsonStore, type Harness } from './engine-harness.js';
import type { ConversationRecord } from '../../src/bot/conversation.js';

describe('bot: engine around the intents', () => {
  it('puts an idle draft aside after 30 minutes and brings it back with 继续', async () => {
    const h = await harness();
    await send(h, '举报');
    await send(h, '1');
    await send(h, '菜市场门口有人收保护费');
    h.clock.advance(31);
    const after = await send(h, '你好');
    expect(after).to.contain('您有一条未提交的举报，回复「继续」');
    expect(await send(h, '继续')).to.contain('描述');
    await send(h, '好了');
    await send(h, '跳过');
    await send(h, '匿名');
    await send(h, '确认');
    const s = h.desk.submitCalls[0]!;
    expect(s.description).to.equal('菜市场门口有人收保护费');
    expect(s.transcript.some((e) => e.text === '继续')).to.equal(true);
  });

  it('a tip committed in a turn whose record cannot be saved still gets its receipt, and 确认 again the same code', async () => {
    const h = await harness();
    for (const m of ['举报', '1', '菜市场门口有人收保护费', '好了', '跳过', '匿名']) await send(h, m);
    const store = h.store as JsonStore<ConversationRecord>;
    store.failingWrites = true;
    const first = await send(h, '确认');
    expect(first).to.contain('受理编号').and.not.contain('没有记下');
    store.failingWrites = false;
    const again = await send(h, '确认');
    const code = (r: string) => /受理编号：(\S+)/.exec(r)?.[1];
    expect(code(again)).to.equal(code(first));
    expect(h.desk.tips).to.have.length(1);
  });

  it('a record save that fails once after a tip committed is tried again: no draft is left open', async () => {
    const h = await harness();
    for (const m of ['举报', '1', '菜市场门口有人收保护费', '好了', '跳过', '匿名']) await send(h, m);
    const store = h.store as JsonStore<ConversationRecord>;
    store.failNextWrites = 1;
    expect(await send(h, '确认')).to.contain('受理编号');
    expect(await send(h, '你好')).to.not.contain('确认');
    expect(h.desk.tips).to.have.length(1);
  });

  describe('a draft at 确认 that a turn committed but could not save', () => {
    /** Commits a draft at 确认 while every record save fails; the stored record stays at 确认. */
    async function committedNotSaved(h: Harness): Promise<string> {
      for (const m of ['举报', '1', '菜市场门口有人收保护费', '好了', '跳过', '匿名']) await send(h, m);
      const store = h.store as JsonStore<ConversationRecord>;
      store.failingWrites = true;
      const code = /受理编号：(\S+)/.exec(await send(h, '确认'))?.[1];
      store.failingWrites = false;
      expect(code).to.be.a('string');
      return code!;
    }

    it('a photo for it is not taken in silently: the citizen is told it is submitted and the photo not added', async () => {
      const h = await harness();
      const code = await committedNotSaved(h);
      const reply = await send(h, { kind: 'image', mediaId: 'late-photo' });
      expect(reply).to.contain(`受理编号：${code}`).and.contain('没有】加进去').and.not.contain('照片已收到');
      expect(await send(h, '确认')).to.contain(`受理编号：${code}`);
      expect(h.desk.tips).to.have.length(1);
      expect(h.desk.tips[0]!.submission.attachments).to.deep.equal([]);
    });

    it('a whole command answers as usual, with a note that the draft was submitted instead of "not submitted yet"', async () => {
      const h = await harness();
      const code = await committedNotSaved(h);
      const reply = await send(h, '查询');
      expect(reply).to.contain(code).and.contain('已经提交成功').and.not.contain('还没有提交');
      expect((await h.store.get(conversationKey(citizen())))?.flow).to.equal(undefined);
    });

    it('after the idle timeout the draft is not offered back as unsubmitted', async () => {
      const h = await harness();
      const code = await committedNotSaved(h);
      h.clock.advance(31);
      const reply = await send(h, '你好');
      expect(reply).to.contain(`受理编号：${code}`).and.not.contain('未提交的举报');
      expect(await send(h, '继续')).to.contain('没有未填完');
    });

    it('a failing look-up does not block the citizen: the draft goes on as before', async () => {
      const h = await harness();
      await committedNotSaved(h);
      h.desk.failFindReceipt = true;
      expect(await send(h, '修改')).to.contain('要改哪一项');
    });
  });

  it('asks the desk whether a draft was submitted only at the confirm step, and not for a 确认 below the daily limit', async () => {
    const h = await harness();
    for (const m of ['举报', '1', '菜市场门口有人收保护费', { kind: 'image', mediaId: 'p-1' } as const, '好了', '跳过', '匿名', '你好', '确认', '确认', '查询']) await send(h, m);
    expect(h.desk.tips).to.have.length(1);
    // One: 「你好」 at the confirm step. None for the rest, the 确认 included.
    expect(h.desk.findReceiptCalls).to.equal(1);
  });

  it('a conversation store that fails costs the turn, never the draft, and never the emergency number', async () => {
    const h = await harness();
    await send(h, '举报');
    await send(h, '1');
    await send(h, '菜市场门口有人收保护费');
    const store = h.store as JsonStore<ConversationRecord>;
    const before = await store.get(conversationKey(citizen()));
    store.failing = true;
    const reply = await send(h, '就在东门那边');
    expect(reply).to.contain('没有记下');
    expect(await send(h, '楼下着火了烟很大')).to.match(/^请马上拨打119/);
    store.failing = false;
    // Nothing was overwritten: the draft goes on where it was.
    expect(await store.get(conversationKey(citizen()))).to.deep.equal(before);
    await send(h, '好了');
    await send(h, '跳过');
    await send(h, '匿名');
    expect(await send(h, '确认')).to.contain('编号');
    expect(h.desk.submitCalls[0]!.description).to.equal('菜市场门口有人收保护费');
  });

  it('keeps the stored record plain JSON', async () => {
    const h = await harness();
    await send(h, '举报');
    const stored = await h.store.get(conversationKey(citizen()));
    expect(JSON.parse(JSON.stringify(stored))).to.deep.equal(stored);
    expect(stored?.flow?.name).to.equal('tip');
  });

  it('resumes a suspended draft when the citizen says 举报 again', async () => {
    const h = await harness();
    await send(h, '举报');
    await send(h, '2');
    await send(h, '有人打电话说我医保卡异常');
    h.clock.advance(45);
    expect(await send(h, '举报')).to.contain('没填完').and.contain('描述');
  });

  it('drops a suspended draft after 24 hours', async () => {
    const h = await harness();
    await send(h, '举报');
    await send(h, '1');
    await send(h, '有人赌博');
    h.clock.advance(31);
    await send(h, '你好');
    h.clock.advance(25 * 60);
    expect(await send(h, '继续')).to.contain('没有未填完');
  });

  it('answers politely when a citizen sends too fast, and again after a minute', async () => {
    const h = await harness({ messagesPerMinute: 3 });
    for (let i = 0; i < 3; i += 1) expect(await send(h, '帮助')).to.contain('举报');
    expect(await send(h, '帮助')).to.contain('请稍等一分钟');
    h.clock.advance(1.1);
    expect(await send(h, '帮助')).to.contain('举报');
  });

  it('limits tips per day, at the start and at 确认', async () => {
    const h = await harness({ tipsPerDay: 2 });
    h.desk.countOverride = 2;
    expect(await send(h, '举报')).to.contain('每天最多提交2件');
    h.desk.countOverride = 0;
    await send(h, '举报');
    await send(h, '1');
    await send(h, '有人赌博');
    await send(h, '好了');
    await send(h, '跳过');
    await send(h, '匿名');
    h.desk.countOverride = 2;
    expect(await send(h, '确认')).to.contain('每天最多提交2件');
    expect(h.desk.submitCalls).to.have.length(0);
  });

  it('keeps a draft the daily limit refused until tomorrow, as it promises, however late tomorrow', async () => {
    const h = await harness({ tipsPerDay: 2 });
    for (const m of ['举报', '1', '有人赌博', '好了', '跳过', '匿名']) await send(h, m);
    h.desk.countOverride = 2;
    expect(await send(h, '确认')).to.contain('明天回复「继续」');
    // Late the next evening: more than a day after the last message.
    h.clock.advance(36 * 60);
    h.desk.countOverride = 0;
    expect(await send(h, '继续')).to.contain('确认');
    expect(await send(h, '确认')).to.contain('受理编号');
    expect(h.desk.submitCalls[0]?.description).to.equal('有人赌博');
  });

  it('drops other idle drafts after the keep time', async () => {
    const h = await harness();
    for (const m of ['举报', '1', '有人赌博']) await send(h, m);
    h.clock.advance(36 * 60);
    expect(await send(h, '继续')).to.contain('没有未填完');
  });

  it('offers what was said in danger as a tip: one 「是」 files those words, graded red', async () => {
    const h = await harness();
    const words = '他拿着刀在村口说要砍人';
    const first = await send(h, words);
    expect(first).to.match(/^请马上拨打110/).and.contain('回复「是」');
    const yes = await send(h, '是');
    expect(yes).to.contain('现在按');
    expect(await send(h, '跳过')).to.contain('联系');
    expect(await send(h, '匿名')).to.contain('确认');
    expect(await send(h, '确认')).to.contain('受理编号');
    const s = h.desk.submitCalls[0]!;
    expect(s.description).to.equal(words);
    expect(s.danger).to.equal(true);
  });

  it('files danger for the police that names no category (a break-in, a child missing) as 治安线索, not 其他', async () => {
    const h = await harness();
    for (const [i, words] of ['有人在撬我家门 我一个人在家', '孩子放学到现在还没回家 找遍了'].entries()) {
      const who = citizen(`police-danger-${i}`);
      expect(await send(h, words, who)).to.match(/^请马上拨打110/);
      expect(await send(h, '是', who), words).to.contain('现在按「治安线索、扫黑除恶」帮您填写');
    }
  });

  it('tells an anonymous citizen who wrote their name or number that staff will not see it, and nobody else', async () => {
    const h = await harness();
    for (const m of ['举报', '1', '我叫王建国，电话13859812345，菜市场门口有人收保护费', '好了', '跳过']) await send(h, m);
    const anonymous = await send(h, '匿名');
    expect(anonymous).to.contain('您选了匿名：您写的姓名、电话等个人信息会隐去，工作人员看不到');
    expect(anonymous.indexOf('隐去')).to.be.lessThan(anonymous.indexOf('回复「确认」'));

    const named = await harness();
    for (const m of ['举报', '1', '我叫王建国，菜市场门口有人收保护费', '好了', '跳过']) await send(named, m);
    expect(await send(named, '13859812345')).to.contain('确认').and.not.contain('隐去');

    const plain = await harness();
    for (const m of ['举报', '1', '菜市场门口有人收保护费', '好了', '跳过']) await send(plain, m);
    expect(await send(plain, '匿名')).to.contain('确认').and.not.contain('隐去');
  });

  it('caps the length of a message', async () => {
    const h = await harness({ maxTextLength: 50 });
    expect(await send(h, '啊'.repeat(51))).to.contain('太长了');
  });

  it('puts pending notices after the answer, in its text, and records the last message time', async () => {
    const h = await harness();
    h.desk.notices.set('openid-a', ['您反映的SM251126AAAAAA已答复。']);
    const reply = await h.bot.handle(input({ kind: 'text', text: '帮助' }));
    expect(reply.parts).to.have.length(1);
    const [part] = reply.parts;
    expect(part?.type === 'text' && part.text).to.match(/[\s\S]+\n\n您反映的SM251126AAAAAA已答复。$/);
    expect(part?.type === 'text' && part.notices).to.deep.equal([1]);
    expect(h.desk.touches).to.have.length(1);
  });

  it('still answers when touch fails', async () => {
    const h = await harness();
    h.desk.failTouch = true;
    expect(await send(h, '举报')).to.contain('类别');
  });

  it('keeps a transfer to customer service first, the notice after it', async () => {
    const h = await harness();
    h.desk.notices.set('openid-a', ['通知']);
    const reply = await h.bot.handle(input({ kind: 'text', text: '人工' }));
    expect(reply.parts[0]).to.deep.equal({ type: 'transfer_customer_service' });
    const last = reply.parts.at(-1);
    expect(last?.type === 'text' && last.text).to.match(/转接[\s\S]*\n\n通知$/);
    expect(last?.type === 'text' && last.notices).to.deep.equal([1]);
  });

  it('says nothing to someone who unfollowed', async () => {
    const h = await harness();
    expect((await h.bot.handle(input({ kind: 'unsubscribe' }))).parts).to.deep.equal([]);
  });

  it('reminds of an open draft when a menu click is answered in the middle of it', async () => {
    const h = await harness();
    await send(h, '举报');
    await send(h, '1');
    const reply = await send(h, { kind: 'menu', key: 'MY_TIPS' });
    expect(reply).to.contain('还没有反映过').and.contain('还没有提交');
    expect(await send(h, '有人赌博')).to.contain('收到');
  });
});

describe('bot: the per-citizen message window', () => {
  it('refuses the message over the limit, forgets it after a quiet minute, and stays small', async () => {
    const { countMessage, newRecord } = await import('../../src/bot/conversation.js');
    const t0 = new Date('2026-11-26T10:00:00Z');
    const r = newRecord(t0);
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    for (let i = 0; i < 5; i += 1) expect(countMessage(r, at(i), 5)).to.equal(true);
    expect(countMessage(r, at(10), 5)).to.equal(false);
    // 70 s later the previous window still weighs 5 × (1 - 10/60) ≈ 4.2: one more fits.
    expect(countMessage(r, at(70), 5)).to.equal(true);
    expect(countMessage(r, at(71), 5)).to.equal(false);
    // After two quiet minutes everything is forgotten.
    for (let i = 0; i < 5; i += 1) expect(countMessage(r, at(200 + i), 5)).to.equal(true);
    expect(JSON.stringify(r.rate).length).to.be.below(80);
  });
});

describe('bot: the turn’s own copy of a stored record', () => {
  /** Every object reachable from `a` that is also reachable from `b`. */
  function shared(a: unknown, b: unknown): unknown[] {
    const seen = new Set<unknown>();
    const walk = (v: unknown) => {
      if (v && typeof v === 'object' && !seen.has(v)) { seen.add(v); Object.values(v).forEach(walk); }
    };
    walk(a);
    const out: unknown[] = [];
    const walkB = (v: unknown, visited = new Set<unknown>()) => {
      if (!v || typeof v !== 'object' || visited.has(v)) return;
      visited.add(v);
      if (seen.has(v)) out.push(v);
      Object.values(v).forEach((x) => walkB(x, visited));
    };
    walkB(b);
    return out;
  }

  it('shares no object with the stored record, with or without a flow', async () => {
    const { detachRecord, newRecord } = await import('../../src/bot/conversation.js');
    const bare = newRecord(new Date('2025-11-26T02:00:00Z'));
    const bareCopy = detachRecord(bare);
    expect(bareCopy).to.deep.equal(bare);
    expect(shared(bare, bareCopy)).to.have.length(0);

    const full = {
      ...newRecord(new Date('2025-11-26T02:00:00Z')),
      flow: { name: 'tip' as const, step: 'place' as const, draft: { id: 'd1', startedAt: '2025-11-26T02:00:00Z', description: ['x'], attachments: [], danger: false, transcript: [] } },
      lastReceipt: { submissionKey: 'k', code: 'SM251126ABCD', acknowledgeBy: 'a', concludeBy: 'b', at: 'c' },
    };
    const fullCopy = detachRecord(full);
    expect(fullCopy).to.deep.equal(full);
    expect(shared(full, fullCopy)).to.have.length(0);
  });
});

describe('bot: copyPlain', () => {
  it('copies nested plain data deeply, drops undefined like JSON, keeps null', async () => {
    const { copyPlain } = await import('../../src/bot/conversation.js');
    const src = { a: [1, { b: 'x', gone: undefined }], c: null, d: { e: [true, 'y'] } };
    const copy = copyPlain(src);
    expect(copy).to.deep.equal(JSON.parse(JSON.stringify(src)));
    expect(copy.a).to.not.equal(src.a);
    expect(copy.a[1]).to.not.equal(src.a[1]);
    expect(copy.d.e).to.not.equal(src.d.e);
    expect(Object.keys(copy.a[1] as object)).to.deep.equal(['b']);
  });
});

describe('bot: the edge normalisation (issue #15, item 1)', () => {
  it('refuses a lone surrogate with a plain answer, keeps nothing of it, and stays usable', async () => {
    const h = await harness();
    const reply = await send(h, '我要举报\uD800');
    expect(reply).to.contain('无法识别的字符');
    expect(reply).to.contain('110');
    expect(reply).not.to.contain('\uFFFD');
    expect(h.desk.submitCalls).to.have.length(0);
    expect(await send(h, '举报')).to.contain('类别');
  });

  it('folds full-width and drops bidi and control characters before any rule reads the text', async () => {
    const h = await harness();
    // 「举报」 with a bidi override and a zero-width space inside is still the command.
    expect(await send(h, '\u202E举\u200B报\u0000')).to.contain('类别');
    await send(h, '1');
    await send(h, '小区门口\u202E有人\u0000聚众赌博，电话１３８０００１１１１１');
    await send(h, '好了');
    const draft = JSON.stringify(await h.store.get(conversationKey(citizen())));
    // JSON text: a NUL would show as the escape \u0000, the others as themselves.
    expect(draft).not.to.match(/\\u0000|[\u202E\u200B\uFF10-\uFF19]/);
    expect(draft).to.contain('有人聚众赌博，电话13800011111');
  });
});
