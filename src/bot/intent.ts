// What every intent module sees. An intent is `match` (cheap, no I/O) and `handle`; the engine
// tries them in the order of intents/index.ts and the first match answers.
import type { FraudChecker } from '../alerts/fraud/index.js';
import type { AppConfig } from '../config/index.js';
import type { Emergency } from '../tips/rules/emergency.js';
import { foldToSimplified } from '../tips/rules/plain-text.js';
import type { Logger } from '../platform/logger.js';
import type { BotContent } from './content.js';
import type { IntentModel } from './intent-model.js';
import type { ConversationRecord } from './conversation.js';
import type { AlertBoard, ArticleShelf, CitizenCounty, FollowerRegistry, ScamReportDesk, TipDesk } from './ports.js';
import { isWord } from './text.js';
import type { BotInput, BotReplyPart, CitizenRef } from './types.js';

export interface EngineContext {
  config: AppConfig;
  logger: Logger;
  desk: TipDesk;
  content: BotContent;
  fraud: FraudChecker;
  /** The sentence model for free words (understanding.ts). */
  intentModel: IntentModel;
  /** Published articles (latest, search); absent when the engine runs without the articles module. */
  articles?: ArticleShelf;
  /** Followers of the official account (the county question); absent when none are kept. */
  followers?: FollowerRegistry;
  /** Current anti-fraud alerts (「反诈」); absent: the fraud guide alone. */
  alerts?: AlertBoard;
  /** The citizen's county for alerts, when the followers module knows it. */
  citizenCounty?: CitizenCounty;
  /** Citizens' reports of scam identifiers; absent: no reporting, verdicts from the checker alone. */
  scamReports?: ScamReportDesk;
}

export interface Turn {
  input: BotInput;
  citizen: CitizenRef;
  /** Normalised text of a text message or of recognised voice; '' for anything else. */
  text: string;
  /** The intent a menu click maps to (config.menuKeys), when the input is a menu click. */
  menuIntent?: string;
  now: Date;
  /** The citizen's previous message, when their record was kept (absent for a first message). */
  lastMessageAt?: Date;
  /** The citizen's conversation record, changed in place; the engine saves it after the turn. */
  record: ConversationRecord;
  /** Someone may be in danger now: the engine puts the number first in the reply, whatever the intent. */
  emergency?: Emergency;
}

export interface Intent {
  name: string;
  match(turn: Turn): boolean;
  /** Async when it needs I/O (the desk); an intent with fixed or computed words answers at once. */
  handle(turn: Turn, ctx: EngineContext): BotReplyPart[] | Promise<BotReplyPart[]>;
}

export const say = (text: string): BotReplyPart => ({ type: 'text', text });

/** A menu click mapped to this intent, or one of the command words typed exactly (`isWord`). */
export function isCommand(turn: Turn, name: string, words: readonly string[]): boolean {
  if (turn.menuIntent !== undefined) return turn.menuIntent === name;
  return isWord(turn.text, words);
}

// Sent as a whole message these always do what they say, even inside 鉴诈, a rating or a tip
// draft: a citizen who is lost must be able to ask for the list, their tips or a person.
// 取消 is left to each flow, which cancels itself.
const WHOLE_COMMANDS = /^(举报|我要举报|查询|查进度|我的举报|帮助|菜单|人工|转人工|人工服务|评价|(查询|评价|复查)[a-z0-9]{4,20})$/i;

// In UTF-16 units: 查询 and a code of 20.
const LONGEST_WHOLE_COMMAND = 22;

/** Typed in traditional characters (「舉報」, 「查詢 SM…」) a command reads the same. */
export function isWholeCommand(text: string): boolean {
  const t = text.replace(/\s+/g, '');
  if (WHOLE_COMMANDS.test(t)) return true;
  // The fold keeps code points in place, each one or two units: a longer text is no command.
  return t.length <= 2 * LONGEST_WHOLE_COMMAND && WHOLE_COMMANDS.test(foldToSimplified(t));
}
