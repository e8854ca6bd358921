// 鉴诈: the citizen pastes a suspicious message and gets a verdict with the reasons. 「鉴诈」
// alone (or the FRAUD_CHECK menu) asks for the message and checks the next one.
//
// With the ScamReportDesk port (src/alerts/reports): a number, address or account that staff
// confirmed as a scam (after citizens reported it) makes the verdict at least high, with that
// reason first (the checker itself stays pure); a report nobody confirmed changes no verdict.
// After a high verdict the citizen may report what the text contains with one 「举报」; and
// 「举报诈骗电话 170…」 or 「这个网址是骗子 http://…」 report directly.
import { COMMON_ADVICE } from '../../alerts/fraud/checker.js';
import type { FraudVerdict } from '../../alerts/fraud/index.js';
import { findIdentifiers, IDENTIFIER_NOUNS, MAX_PER_REPORT } from '../../alerts/reports/identifiers.js';
import { isCommand, say, type EngineContext, type Intent, isWholeCommand, type Turn } from '../intent.js';
import type { ScamIdentifier, ScamReportResult } from '../ports.js';
import { commandArgs, isWord } from '../text.js';
import type { BotReplyPart } from '../types.js';

const WORDS = ['鉴诈', '鉴别诈骗', '验诈', '查诈骗'];
const LABEL = { high: '【高风险】', medium: '【要小心】', low: '【暂未发现明显风险】' } as const;

export function verdictText(v: FraudVerdict): string {
  const lines: string[] = [LABEL[v.risk]];
  if (v.types.length > 0) lines.push(`可能的骗局：${v.types.join('、')}`);
  for (const r of v.reasons) lines.push(`· ${r}`);
  lines.push(v.advice);
  return lines.join('\n');
}

/** The reason a confirmed identifier gives: 「这个号码经工作人员核实，是诈骗号码」. */
export const confirmedReason = (i: ScamIdentifier): string => `这个${IDENTIFIER_NOUNS[i.kind]}经工作人员核实，是诈骗${IDENTIFIER_NOUNS[i.kind]}`;

/**
 * The verdict once staff's confirmations are counted: with a confirmed identifier in the text it
 * is at least high, their reasons first and the closing advice that of a high risk.
 */
export function raisedByReports(v: FraudVerdict, confirmed: readonly ScamIdentifier[]): FraudVerdict {
  if (confirmed.length === 0) return v;
  const reasons = [...new Set([...confirmed.map(confirmedReason), ...v.reasons])];
  if (v.risk === 'high') return { ...v, reasons };
  const closing = COMMON_ADVICE[v.risk];
  const advice = v.advice.endsWith(closing) ? `${v.advice.slice(0, -closing.length)}${COMMON_ADVICE.high}` : `${v.advice}\n${COMMON_ADVICE.high}`;
  return { ...v, risk: 'high', reasons, advice };
}

/** 「这个号码」, 「这些号码、网址」: what a report or an offer is about. */
function whatOf(identifiers: readonly ScamIdentifier[]): string {
  const nouns = [...new Set(identifiers.map((i) => IDENTIFIER_NOUNS[i.kind]))].join('、');
  return `${identifiers.length > 1 ? '这些' : '这个'}${nouns}`;
}

/**
 * The checked text's verdict (after `lead`), raised by confirmed identifiers; after a high one, the
 * offer to report what the text contains (kept in the record for the next message).
 */
export async function checked(turn: Turn, ctx: EngineContext, text: string, lead = ''): Promise<BotReplyPart[]> {
  let verdict = ctx.fraud.check(text);
  const reports = ctx.scamReports;
  if (!reports) return [say(`${lead}${verdictText(verdict)}`)];
  try {
    verdict = raisedByReports(verdict, await reports.confirmedIn(text));
  } catch (err) {
    // The checker's verdict stands alone: a citizen is never left without an answer.
    ctx.logger.warn({ err }, 'bot: scam reports could not be read');
  }
  const found = verdict.risk === 'high' ? findIdentifiers(text).slice(0, MAX_PER_REPORT) : [];
  if (found.length === 0) return [say(`${lead}${verdictText(verdict)}`)];
  turn.record.reportOffer = { identifiers: found };
  return [say(`${lead}${verdictText(verdict)}\n\n回复「举报」把${whatOf(found)}报给我们，好提醒更多的人。`)];
}

const ASK = '请把可疑的短信、聊天内容复制后粘贴发给我（或者打字说说对方让您做什么），我帮您看看是不是诈骗。';

export const fraudCheck: Intent = {
  name: 'fraud_check',
  match: (turn) => isCommand(turn, 'fraud_check', WORDS) || (turn.menuIntent === undefined && commandArgs(turn.text, WORDS) !== undefined),
  async handle(turn, ctx) {
    const rest = turn.menuIntent ? '' : (commandArgs(turn.text, WORDS) ?? '');
    if (!rest) {
      turn.record.flow = { name: 'fraud_check' };
      return [say(ASK)];
    }
    return checked(turn, ctx, rest);
  },
};

/** The message after 「鉴诈」: checked once, then the bot is back to normal. */
export const fraudCheckAnswer: Intent = {
  name: 'fraud_check_answer',
  match: (turn) => turn.record.flow?.name === 'fraud_check' && turn.menuIntent === undefined && !isWholeCommand(turn.text) && !isWord(turn.text, WORDS),
  async handle(turn, ctx) {
    if (!turn.text) {
      return [say('我暂时只能看文字。请把内容复制粘贴过来，或者打字告诉我对方说了什么。回复「取消」可以退出。')];
    }
    delete turn.record.flow;
    if (turn.text === '取消') return [say('好的。有可疑消息随时发「鉴诈」加内容给我。')];
    return checked(turn, ctx, turn.text);
  },
};

// 「举报诈骗电话 …」, 「我要举报一个骗子微信号 …」: a report word, then a scam word.
const REPORT_LEAD = /^(?:我们?)?(?:要|想)?(?:举报|上报|报告)(?:一下|一个|这个)?(?:诈骗|骗子|可疑)/;
// 「这个网址是骗子 …」, 「这是诈骗电话 …」: the thing called a scam (not 「骗子的电话是…」, a victim's story).
const CALLED_SCAM = /(?:电话|号码|手机号?|网址|链接|网站|账号|帐号|账户|微信号?|qq号?)(?:是|就是|都是)?(?:骗子|诈骗)|(?:是|就是)(?:骗子|诈骗)的?(?:电话|号码|网址|链接|网站|账号|帐号)/i;
// A question is for 鉴诈 (「这个号码是骗子吗」), not a report.
const QUESTION = /[吗么嘛？?]|是不是|是否|会不会|怎么/;

/** The identifiers a message reports, or undefined when it does not read as a report of one. */
export function reportedInMessage(text: string): ScamIdentifier[] | undefined {
  if (!text || QUESTION.test(text) || commandArgs(text, WORDS) !== undefined) return undefined;
  if (!REPORT_LEAD.test(text) && !CALLED_SCAM.test(text)) return undefined;
  const found = findIdentifiers(text).slice(0, MAX_PER_REPORT);
  return found.length ? found : undefined;
}

const REPORT_TROUBLE = '抱歉，系统暂时出了点问题，这次没有记下，请过几分钟再发一次。已经转了钱，请马上拨打110报警。';

const REPORTS_FULL = '今天能记的举报已经满了';
const REPORT_CLOSING = '情况紧急的，请拨打反诈专线96110；已经转了钱，请马上拨打110报警。';

/** Records the report and thanks the citizen, naming what was recorded; over the day's limit, says so. */
async function fileReport(turn: Turn, ctx: EngineContext, identifiers: readonly ScamIdentifier[]): Promise<BotReplyPart[]> {
  if (!ctx.scamReports || identifiers.length === 0) return [say(REPORT_TROUBLE)];
  const results = await ctx.scamReports.report(turn.citizen, identifiers, turn.now).catch((err: unknown) => {
    ctx.logger.warn({ err }, 'bot: scam report not recorded');
    return undefined;
  });
  if (!results) return [say(REPORT_TROUBLE)];
  const line = (r: ScamReportResult) => `· ${IDENTIFIER_NOUNS[r.identifier.kind]} ${r.identifier.value}`;
  const kept = results.filter((r) => r.outcome !== 'full');
  const full = results.filter((r) => r.outcome === 'full');
  if (kept.length === 0) return [say(`${REPORTS_FULL}，这次没有记下，明天可以再发。\n${REPORT_CLOSING}`)];
  return [say([
    '谢谢您！已经记下了：',
    ...kept.map((r) => `${line(r)}${r.outcome === 'again' ? '（您之前举报过）' : ''}`),
    ...(full.length ? [`${REPORTS_FULL}，下面这些没有记下，明天可以再发：`, ...full.map(line)] : []),
    '工作人员核实是诈骗以后，别人用「鉴诈」查到时就会看到提醒。',
    full.length ? REPORT_CLOSING : '已经转了钱，请马上拨打110报警；拿不准的，拨打反诈专线96110。',
  ].join('\n'))];
}

/** 「举报」 (or 是 / 好) right after a high verdict that offered it. */
export const scamReportAnswer: Intent = {
  name: 'scam_report_answer',
  match: (turn) => turn.record.reportOffer !== undefined && turn.menuIntent === undefined
    && isWord(turn.text, ['举报', '我要举报', '举报一下', '举报他', '举报它', '是', '好', '好的', '要']),
  handle(turn, ctx) {
    const identifiers = turn.record.reportOffer?.identifiers ?? [];
    delete turn.record.reportOffer;
    return fileReport(turn, ctx, identifiers);
  },
};

/** A message that reports a number, address or account as a scam. */
export const scamReport: Intent = {
  name: 'scam_report',
  match: (turn) => turn.menuIntent === undefined && reportedInMessage(turn.text) !== undefined,
  handle(turn, ctx) {
    return fileReport(turn, ctx, reportedInMessage(turn.text) ?? []);
  },
};
