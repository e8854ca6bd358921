// Short questions answered from content/bot/keywords.json (反诈热线, 信访条例, 办公时间 …), so
// editors can add an answer without a release.
import { foldToSimplified } from '../../tips/rules/plain-text.js';
import type { KeywordReply } from '../content.js';
import { say, type Intent } from '../intent.js';

/**
 * Only short messages: a keyword inside a long story is part of the story, not a question. Read
 * folded: 「反詐熱線」 is 反诈热线.
 */
export function findKeywordReply(text: string, replies: readonly KeywordReply[]): string | undefined {
  if (!text || text.length > 30) return undefined;
  const read = foldToSimplified(text);
  return replies.find((r) => r.keywords.some((k) => read.includes(k)))?.reply;
}

export function keywordReply(replies: readonly KeywordReply[]): Intent {
  return {
    name: 'keyword_reply',
    match: (turn) => turn.menuIntent === undefined && findKeywordReply(turn.text, replies) !== undefined,
    handle(turn) {
      return [say(findKeywordReply(turn.text, replies) ?? '')];
    },
  };
}
