// A tip committed in a turn whose conversation record could not be saved (the shared store down
// for both tries): the citizen got the receipt, but the stored record still holds the draft at
// 确认. Driven through the engine over the real TipDesk and database, so the daily limit counts
// the committed tip and the desk finds it by its submission key.
import { expect } from 'chai';
import { createEngine } from '../../src/bot/engine.js';
import { conversationKey, type ConversationRecord } from '../../src/bot/conversation.js';
import type { Bot } from '../../src/bot/types.js';
import type { AppConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { citizen, input, texts, JsonStore } from './engine-harness.js';

const codeIn = (reply: string) => /受理编号：(SM\w+)/.exec(reply)?.[1];

describe(`bot: a draft committed but not saved (${usingMysql() ? 'MariaDB' : 'SQLite'})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  beforeEach(async () => { ctx = await createTestContext(); });
  afterEach(async () => { await ctx.close(); });

  function engine(bot: Partial<AppConfig['bot']> = {}): { bot: Bot; store: JsonStore<ConversationRecord> } {
    const store = new JsonStore<ConversationRecord>();
    const config = { ...ctx.config, bot: { ...ctx.config.bot, ...bot } };
    return { bot: createEngine({ config, logger: createLogger('silent'), desk: ctx.services.tips.desk, conversations: store }), store };
  }
  const send = async (e: { bot: Bot }, text: string) => texts(await e.bot.handle(input({ kind: 'text', text })));
  const tipRows = async () => ctx.services.db.sequelize.query('SELECT code, description FROM tips', { type: 'SELECT' }) as Promise<Array<{ code: string; description: string }>>;

  /** A draft at 确认, committed by a 确认 whose record saves both fail: returns the receipt's code. */
  async function committedNotSaved(e: { bot: Bot; store: JsonStore<ConversationRecord> }): Promise<string> {
    for (const m of ['举报', '1', '菜市场门口有人收保护费', '好了', '跳过', '匿名']) await send(e, m);
    e.store.failingWrites = true;
    const first = await send(e, '确认');
    e.store.failingWrites = false;
    const code = codeIn(first);
    expect(code, first).to.be.a('string');
    const stored = await e.store.get(conversationKey(citizen()));
    // The situation under test: the record still waits at 确认.
    expect(stored?.flow?.name === 'tip' && stored.flow.step).to.equal('confirm');
    return code!;
  }

  it('确认 again at the daily limit answers the tip\'s receipt, not the limit, and closes the draft', async () => {
    const e = engine({ tipsPerDay: 1 });
    const code = await committedNotSaved(e);
    const again = await send(e, '确认');
    expect(again).to.contain('已提交成功').and.not.contain('每天最多').and.not.contain('还没有提交');
    expect(codeIn(again)).to.equal(code);
    const stored = await e.store.get(conversationKey(citizen()));
    expect(stored?.flow).to.equal(undefined);
    expect(stored?.lastReceipt?.code).to.equal(code);
    // A third 确认 is the repeated receipt of a closed draft.
    expect(codeIn(await send(e, '确认'))).to.equal(code);
    expect(await tipRows()).to.have.length(1);
  });

  it('an edit to the draft is told it was submitted already and not added; 确认 then repeats the receipt', async () => {
    const e = engine();
    const code = await committedNotSaved(e);
    const edit = await send(e, '修改');
    expect(edit).to.contain('之前已经提交成功').and.contain(`受理编号：${code}`).and.contain('没有】加进去').and.contain('「举报」');
    expect((await e.store.get(conversationKey(citizen())))?.flow).to.equal(undefined);
    const confirmed = await send(e, '确认');
    expect(codeIn(confirmed)).to.equal(code);
    const rows = await tipRows();
    expect(rows).to.have.length(1);
    expect(rows[0]!.code).to.equal(code);
  });
});
