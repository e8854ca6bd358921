// The intents that answer with fixed words: welcome, help, the fraud guide (after the current
// anti-fraud alerts, when the engine has the alert board) and customer service.
import { isCommand, say, type EngineContext, type Intent, type Turn } from '../intent.js';
import type { BoardAlert } from '../ports.js';
import { isWord } from '../text.js';

export const subscribe: Intent = {
  name: 'subscribe',
  match: (turn) => turn.input.kind === 'subscribe' || turn.input.kind === 'scan',
  handle(turn, ctx) {
    if (turn.input.kind === 'scan') return [say(`欢迎回来！\n${ctx.content.help}`)];
    return [say(ctx.content.welcome)];
  },
};

export const help: Intent = {
  name: 'help',
  match: (turn) => isCommand(turn, 'help', ['帮助', '菜单', '功能', '怎么用', '使用帮助', '?', '？']),
  handle(_turn, ctx) {
    return [say(ctx.content.help)];
  },
};

/** Current alerts the chat shows at most, each as title, one line and its page. */
const ALERTS_SHOWN = 3;

/** The current alerts as one message: the citizen's county first when known, then the list's page. */
export function alertsText(alerts: readonly BoardAlert[], listUrl: string): string {
  const items = alerts.map((a, i) => `${i + 1}. ${a.title}（${a.severityLabel}·${a.regionLabel}）\n${a.line}\n${a.url}`);
  return ['【最新防骗预警】', ...items, `更多预警：${listUrl}`].join('\n\n');
}

/** The alerts part of 「反诈」, or undefined when there is none (or the board cannot be read). */
async function currentAlerts(turn: Turn, ctx: EngineContext): Promise<string | undefined> {
  if (!ctx.alerts) return undefined;
  try {
    const county = ctx.citizenCounty ? await ctx.citizenCounty.countyOf(turn.citizen) : undefined;
    const alerts = await ctx.alerts.current(county, ALERTS_SHOWN);
    return alerts.length ? alertsText(alerts, ctx.alerts.listUrl(county)) : undefined;
  } catch (err) {
    // The guide alone still helps: a failing board never costs the citizen the answer.
    ctx.logger.warn({ err }, 'bot: current alerts could not be read');
    return undefined;
  }
}

/** 「反诈」 and the 反诈预警 menu: the current alerts first (when there are any), then the fraud guide. */
export const fraudAlerts: Intent = {
  name: 'fraud_alerts',
  match: (turn) => isCommand(turn, 'fraud_alerts', ['反诈', '防骗', '反诈骗', '反诈预警', '防诈骗']),
  async handle(turn, ctx) {
    const alerts = await currentAlerts(turn, ctx);
    return alerts ? [say(alerts), say(ctx.content.fraudGuide)] : [say(ctx.content.fraudGuide)];
  },
};

export const human: Intent = {
  name: 'human',
  match: (turn) => isCommand(turn, 'human', [
    '人工', '人工服务', '转人工', '客服', '人工客服', '要人工', '找人工', '我要人工', '我要找人工', '找客服', '我要找客服',
    '真人', '找真人', '我要找真人', '找工作人员', '我要找工作人员', '我要和工作人员说',
  ]),
  handle() {
    // The transfer goes first: on the official account it can only be the passive reply.
    return [
      { type: 'transfer_customer_service' },
      say('正在为您转接工作人员，请直接留言，工作时间内会尽快回复您。紧急情况请拨打110。'),
    ];
  },
};


/** 取消 with nothing open: said plainly, so the word never meets 「没能明白」. */
export const cancelNothing: Intent = {
  name: 'cancel',
  match: (turn) => turn.record.flow === undefined && isWord(turn.text, ['取消', '退出']),
  handle(turn, ctx) {
    const danger = turn.record.offer?.kept !== undefined;
    delete turn.record.offer;
    if (danger) return [say(`好的，您刚才说的情况不登记了。如果还有危险，请马上拨打110。\n${ctx.content.shortMenu}`)];
    return [say(`好的。现在没有正在办的事需要取消。\n${ctx.content.shortMenu}`)];
  },
};
