// 鉴诈: the citizen pastes a suspicious message and gets a verdict with the reasons. 「鉴诈」
// alone (or the FRAUD_CHECK menu) asks for the message and checks the next one.
//
// With the ScamReportDesk port (src/alerts/reports): a number, address or account that staff
// confirmed as a scam (after citizens reported it) makes the verdict at least high, with that
// reason first (the checker itself stays pure); a report nobody confirmed changes no verdict.
// After a high verdict the citizen may report what the text contains with one 「举报」; and
// 「举报诈骗电话 170…」 or 「这个网址是骗子 http://…」 report directly.
//
// Only the scammer's identifiers are ever offered or reported (`reportableIdentifiers`): never a
// card or ID number, never what is addressed to the reader (尊敬的用户 139…, 您的账户 …) or the
// writer's own (本人手机 …). A report that also tells a loss (or a high-risk scam told to the
// writer) is a victim's: the identifiers are still recorded, but the answer is the victim's one
// (110, 96110, 止付 and the offer of a tip), or the danger offer when the engine found an emergency.
//
// A text with nothing to judge but a phone number (「鉴诈 138…」, 「这个号码138…是不是骗子」) gets
// the checker's 「光凭一个号码，看不出…」 and the answer to a phone number (understood.ts), never
// 「暂未发现明显风险」; once staff confirmed the number, it is high like any other text.
// A question with nothing to judge at all (「这个号码是骗子吗」, no number) is asked for the message,
// as 「鉴诈」 alone is, and the next message is checked.
import { COMMON_ADVICE } from '../../alerts/fraud/checker.js';
import { onlyAsking } from '../../alerts/fraud/number-alone.js';
import { fraudTextForm } from '../../alerts/fraud/rules.js';
import type { FraudVerdict } from '../../alerts/fraud/index.js';
import { IDENTIFIER_NOUNS, MAX_PER_REPORT, reportableIdentifiers } from '../../alerts/reports/identifiers.js';
import { compactText, foldToSimplified } from '../../tips/rules/plain-text.js';
import { isCommand, say, type EngineContext, type Intent, isWholeCommand, type Turn } from '../intent.js';
import type { ScamIdentifier, ScamReportResult } from '../ports.js';
import { commandArgs, isWord } from '../text.js';
import type { BotReplyPart } from '../types.js';
import { LOSS, NOT_FOOLED, TOLD_TO_ME } from '../understanding.js';
import { hasNumberFromAbroad } from '../bare-messages.js';
import { dangerOutsideFlow } from './fallback.js';
// A cycle (understood.ts imports `checked`): both only call each other's functions in a turn.
import { fraudVictimAnswer, phoneAnswer } from './understood.js';

const WORDS = ['鉴诈', '鉴别诈骗', '验诈', '查诈骗'];
const ASK = '请把可疑的短信、聊天内容复制后粘贴发给我（或者打字说说对方让您做什么），我帮您看看是不是诈骗。';
const LABEL = { high: '【高风险】', medium: '【要小心】', low: '【暂未发现明显风险】', unknown: '【只有号码，判断不了】' } as const;

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

/** 「号码、网址」: the kinds a report or an offer is about. */
const nounsOf = (identifiers: readonly ScamIdentifier[]): string => [...new Set(identifiers.map((i) => IDENTIFIER_NOUNS[i.kind]))].join('、');

/** 「这个号码」, 「这些号码、网址」: what a report or an offer is about. */
const whatOf = (identifiers: readonly ScamIdentifier[]): string => `${identifiers.length > 1 ? '这些' : '这个'}${nounsOf(identifiers)}`;

/** 「· 号码 17012345678」: one identifier as the citizen reads it. */
const lineOf = (i: ScamIdentifier): string => `· ${IDENTIFIER_NOUNS[i.kind]} ${i.value}`;

/**
 * The checked text's verdict (after `lead`), raised by confirmed identifiers; after a high one, the
 * offer to report what the text contains (kept in the record for the next message). A number the
 * checker cannot judge (`unknown`) gets the answer to a phone number after the verdict.
 */
export async function checked(turn: Turn, ctx: EngineContext, text: string, lead = ''): Promise<BotReplyPart[]> {
  // A question with nothing to judge (「这个号码是骗子吗」) is no message found harmless: the
  // citizen is asked for what they were sent, and the next message is checked.
  if (onlyAsking(fraudTextForm(text))) {
    turn.record.flow = { name: 'fraud_check' };
    return [say(ASK)];
  }
  let verdict = ctx.fraud.check(text);
  const reports = ctx.scamReports;
  if (reports) {
    try {
      verdict = raisedByReports(verdict, await reports.confirmedIn(text));
    } catch (err) {
      // The checker's verdict stands alone: a citizen is never left without an answer.
      ctx.logger.warn({ err }, 'bot: scam reports could not be read');
    }
  }
  const said = `${lead}${verdictText(verdict)}`;
  if (verdict.risk === 'unknown') return [say(`${said}\n${phoneAnswer(hasNumberFromAbroad(text))}`)];
  // The citizen sees exactly what one 「举报」 would report.
  const found = reports && verdict.risk === 'high' ? reportableIdentifiers(text).slice(0, MAX_PER_REPORT) : [];
  if (found.length === 0) return [say(said)];
  turn.record.reportOffer = { identifiers: found };
  return [say(`${said}\n\n回复「举报」把${whatOf(found)}报给我们，好提醒更多的人：\n${found.map(lineOf).join('\n')}`)];
}

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
    if (isWord(turn.text, ['取消'])) return [say('好的。有可疑消息随时发「鉴诈」加内容给我。')];
    const verdict = await checked(turn, ctx, turn.text);
    // Danger words are kept for the tip they may be (the danger offer), whatever the verdict: a
    // pasted scam that cries 救命 is checked, and someone held against their will is heard.
    if (!turn.emergency) return verdict;
    return [...verdict, ...(await dangerOutsideFlow.handle(turn, ctx))];
  },
};

// 「举报诈骗电话 …」, 「我要举报一个骗子微信号 …」: a report word, then a scam word.
const REPORT_LEAD = /^(?:我们?)?(?:要|想)?(?:举报|上报|报告)(?:一下|一个|这个)?(?:诈骗|骗子|可疑)/;
// 「…我没上当 想举报这个号码 199…」: the thing to report named after the story.
const REPORT_THIS = /(?:举报|上报)(?:一下)?(?:这个|这|该|此)(?:骗子的?)?(?:电话号码|号码|电话|手机号?|网址|链接|网站|账号|帐号|微信号?|qq号?)/i;
// 「这个网址是骗子 …」, 「这是诈骗电话 …」: the thing called a scam (not 「骗子的电话是…」, a victim's story).
const CALLED_SCAM = /(?:电话|号码|手机号?|网址|链接|网站|账号|帐号|账户|微信号?|qq号?)(?:是|就是|都是)?(?:骗子|诈骗)|(?:是|就是)(?:骗子|诈骗)的?(?:电话|号码|网址|链接|网站|账号|帐号)/i;
// A question is for 鉴诈 (「这个号码是骗子吗」), not a report.
const QUESTION = /[吗么嘛？?]|是不是|是否|会不会|怎么/;

/**
 * The identifiers a message reports, or undefined when it does not read as a report of one. The
 * words are read folded (「舉報詐騙電話 …」); the identifiers are taken from the text as typed.
 */
export function reportedInMessage(text: string): ScamIdentifier[] | undefined {
  const read = foldToSimplified(text);
  if (!text || QUESTION.test(read) || commandArgs(text, WORDS) !== undefined) return undefined;
  if (!REPORT_LEAD.test(read) && !CALLED_SCAM.test(read) && !REPORT_THIS.test(read)) return undefined;
  const found = reportableIdentifiers(text).slice(0, MAX_PER_REPORT);
  return found.length ? found : undefined;
}

// Identifiers are not amounts: a token with a letter or seven digits or more (a number, an
// account, an address) is blanked before a loss is looked for, so 「打了我好几次 170…」 is no loss.
const IDENTIFIER_TOKEN = /[A-Za-z0-9_\-.@+:/]*[0-9A-Za-z][A-Za-z0-9_\-.@+:/]*/g;
const isIdentifierToken = (token: string) => /[A-Za-z]/.test(token) || (token.match(/[0-9]/g)?.length ?? 0) >= 7;

/**
 * Whether a report is a victim's: it tells a loss (understanding.ts's LOSS; calling the number a
 * scam is the sign of deceit that rule asks beside it), or a high-risk scam told to the writer
 * (TOLD_TO_ME), as free words are read as a fraud victim.
 */
function toldByVictim(text: string, ctx: EngineContext): boolean {
  const words = compactText(text.normalize('NFKC').replace(IDENTIFIER_TOKEN, (t) => (isIdentifierToken(t) ? ' ' : t)));
  if (NOT_FOOLED.test(words)) return false;
  return LOSS.test(words) || (TOLD_TO_ME.test(words) && ctx.fraud.check(text).risk === 'high');
}

const REPORT_TROUBLE = '抱歉，系统暂时出了点问题，这次没有记下，请过几分钟再发一次。已经转了钱，请马上拨打110报警。';

const REPORTS_FULL = '今天能记的举报已经满了';
const NOTHING_TO_KEEP = '这条消息里没有能记下的骗子号码、网址或账号（银行卡号不记）。';
const REPORT_CLOSING = '情况紧急的，请拨打反诈专线96110；已经转了钱，请马上拨打110报警。';

/** The desk's results, or undefined when the report could not be recorded (logged). */
async function record(turn: Turn, ctx: EngineContext, identifiers: readonly ScamIdentifier[]): Promise<ScamReportResult[] | undefined> {
  if (!ctx.scamReports || identifiers.length === 0) return undefined;
  return ctx.scamReports.report(turn.citizen, identifiers, turn.now).catch((err: unknown) => {
    ctx.logger.warn({ err }, 'bot: scam report not recorded');
    return undefined;
  });
}

const resultLine = (r: ScamReportResult) => `${lineOf(r.identifier)}${r.outcome === 'again' ? '（您之前举报过）' : ''}`;

/** Records the report and thanks the citizen, naming what was recorded; over the day's limit, says so. */
async function fileReport(turn: Turn, ctx: EngineContext, identifiers: readonly ScamIdentifier[]): Promise<BotReplyPart[]> {
  const results = await record(turn, ctx, identifiers);
  if (!results) return [say(REPORT_TROUBLE)];
  const kept = results.filter((r) => r.outcome !== 'full');
  const full = results.filter((r) => r.outcome === 'full');
  // Nothing the desk may store (a card number offered before it was refused): no thanks, no "full".
  if (results.length === 0) return [say(`${NOTHING_TO_KEEP}\n${REPORT_CLOSING}`)];
  if (kept.length === 0) return [say(`${REPORTS_FULL}，这次没有记下，明天可以再发。\n${REPORT_CLOSING}`)];
  return [say([
    '谢谢您！已经记下了：',
    ...kept.map(resultLine),
    ...(full.length ? [`${REPORTS_FULL}，下面这些没有记下，明天可以再发：`, ...full.map((r) => lineOf(r.identifier))] : []),
    '工作人员核实是诈骗以后，别人用「鉴诈」查到时就会看到提醒。',
    full.length ? REPORT_CLOSING : '已经转了钱，请马上拨打110报警；拿不准的，拨打反诈专线96110。',
  ].join('\n'))];
}

/**
 * A victim's report: recorded as any report, but answered first as a victim (free words' answer,
 * with `record.offer`) or, in an emergency outside a flow, with the danger offer; then one short
 * part saying which of the scammer's identifiers were kept to warn others. Never the thanks alone:
 * a victim must not read a report as a case filed.
 */
async function victimReport(turn: Turn, ctx: EngineContext, identifiers: readonly ScamIdentifier[], danger: boolean): Promise<BotReplyPart[]> {
  const results = await record(turn, ctx, identifiers);
  const answer = danger ? await dangerOutsideFlow.handle(turn, ctx) : fraudVictimAnswer(turn);
  const kept = results?.filter((r) => r.outcome !== 'full') ?? [];
  const full = results?.filter((r) => r.outcome === 'full') ?? [];
  const note = !results
    ? `另外，骗子的${nounsOf(identifiers)}这次没有记下（系统出了点问题），过几分钟可以再发一次。`
    : [
      ...(kept.length ? [`另外，骗子的${nounsOf(kept.map((r) => r.identifier))}记下了，工作人员核实后会提醒其他人：`, ...kept.map(resultLine)] : []),
      ...(full.length ? [`${REPORTS_FULL}，下面这些没有记下，明天可以再发：`, ...full.map((r) => lineOf(r.identifier))] : []),
    ].join('\n');
  return note ? [...answer, say(note)] : answer;
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
    const identifiers = reportedInMessage(turn.text) ?? [];
    // As free words are answered: danger first (fallback.ts), then a victim (understood.ts).
    const danger = turn.emergency !== undefined && turn.record.flow === undefined;
    if (danger || toldByVictim(turn.text, ctx)) return victimReport(turn, ctx, identifiers, danger);
    return fileReport(turn, ctx, identifiers);
  },
};
