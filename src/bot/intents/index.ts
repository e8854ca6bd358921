// The bot's intents in order: the first whose `match` says yes answers. Flows come before
// commands so a citizen in the middle of a tip is not thrown out by a word in their story,
// except a command sent as the whole message (isWholeCommand), which flows let through;
// 帮助 and 人工 come before flows because a lost citizen must always be able to ask. Free
// words outside a flow are read last (understood), before the fallback for the rest.
import type { BotContent } from '../content.js';
import type { Intent } from '../intent.js';
import { dangerMore, dangerOutsideFlow, fallback } from './fallback.js';
import { fraudCheck, fraudCheckAnswer, scamReport, scamReportAnswer } from './fraud-check.js';
import { keywordReply } from './keyword-reply.js';
import { myTips } from './my-tips.js';
import { rate, rateAnswer } from './rate.js';
import { receiptAgain, resume } from './resume.js';
import { review, reviewAnswer } from './review.js';
import { supplement, supplementAnswer } from './supplement.js';
import { articles } from './articles.js';
import { cancelNothing, fraudAlerts, help, human, subscribe } from './fixed-replies.js';
import { tipContinue } from './tip-continue.js';
import { tipStart } from './tip-start.js';
import { countyAnswer } from './county.js';
import { offerAnswer, understood } from './understood.js';

/** What the engine was given beyond the content: scam reports add their two intents. */
export interface IntentOptions {
  scamReports?: boolean;
}

export function buildIntents(content: BotContent, opts: IntentOptions = {}): Intent[] {
  return [
    subscribe,
    help,
    human,
    resume,
    receiptAgain,
    tipContinue,
    rateAnswer,
    reviewAnswer,
    // Not a message another command takes: 「鉴诈 …」 is not added to the tip.
    supplementAnswer([supplement, myTips, rate, review, fraudCheck, articles]),
    fraudCheckAnswer,
    countyAnswer(content.divisions),
    offerAnswer,
    // Before tipStart: 「举报」 after a high verdict, and 「举报诈骗电话 …」, report the number.
    ...(opts.scamReports ? [scamReportAnswer, scamReport] : []),
    cancelNothing,
    tipStart,
    myTips,
    rate,
    review,
    supplement,
    fraudCheck,
    fraudAlerts,
    articles,
    dangerOutsideFlow,
    // Before the free words: what follows danger words joins them (TipOffer.kept).
    dangerMore,
    keywordReply(content.keywordReplies),
    understood,
    fallback,
  ];
}

/** Intents that belong to the tip flow: other answers get a reminder that a draft is open. */
export const TIP_FLOW_INTENTS: ReadonlySet<string> = new Set(['tip', 'tip_continue', 'resume']);

/** Intents that answer a danger offer or add to it: other answers get a reminder that it stands. */
export const DANGER_OFFER_INTENTS: ReadonlySet<string> = new Set(['danger', 'danger_more', 'tip_offer', 'tip', 'cancel']);
