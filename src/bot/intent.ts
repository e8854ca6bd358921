// What every intent module sees. An intent is `match` (cheap, no I/O) and `handle`; the engine
// tries them in the order of intents/index.ts and the first match answers.
import type { AppConfig } from '../config/index.js';
import type { Logger } from '../platform/logger.js';
import type { BotContent } from './content.js';
import type { ConversationRecord } from './conversation.js';
import type { TipDesk } from './ports.js';
import type { BotInput, BotReplyPart, CitizenRef } from './types.js';

export interface EngineContext {
  config: AppConfig;
  logger: Logger;
  desk: TipDesk;
  content: BotContent;
}

export interface Turn {
  input: BotInput;
  citizen: CitizenRef;
  /** Normalised text of a text message or of recognised voice; '' for anything else. */
  text: string;
  /** The intent a menu click maps to (config.menuKeys), when the input is a menu click. */
  menuIntent?: string;
  now: Date;
  /** The citizen's conversation record, changed in place; the engine saves it after the turn. */
  record: ConversationRecord;
  /** Danger words were seen: the engine has already put 110 first in the reply. */
  danger: boolean;
}

export interface Intent {
  name: string;
  match(turn: Turn): boolean;
  handle(turn: Turn, ctx: EngineContext): Promise<BotReplyPart[]>;
}

export const say = (text: string): BotReplyPart => ({ type: 'text', text });

/** A menu click mapped to this intent, or one of the command words typed exactly. */
export function isCommand(turn: Turn, name: string, words: readonly string[]): boolean {
  if (turn.menuIntent !== undefined) return turn.menuIntent === name;
  return words.includes(turn.text.replace(/\s+/g, ''));
}
