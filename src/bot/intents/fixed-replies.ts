// The intents that answer with fixed words: welcome, help, the fraud guide and customer service.
import { isCommand, say, type Intent } from '../intent.js';
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

export const fraudAlerts: Intent = {
  name: 'fraud_alerts',
  match: (turn) => isCommand(turn, 'fraud_alerts', ['反诈', '防骗', '反诈骗', '反诈预警', '防诈骗']),
  handle(_turn, ctx) {
    return [say(ctx.content.fraudGuide)];
  },
};

export const human: Intent = {
  name: 'human',
  match: (turn) => isCommand(turn, 'human', ['人工', '人工服务', '转人工', '客服', '人工客服']),
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
    delete turn.record.offer;
    return [say(`好的。现在没有正在办的事需要取消。\n${ctx.content.shortMenu}`)];
  },
};
