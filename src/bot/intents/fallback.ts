// The last intents: danger words outside a flow (110 is already first in the reply), and a
// helpful answer to anything else — always with the commands, never a bare "不明白".
import { classifyCategory } from '../../tips/rules/category.js';
import type { TipDraft } from '../conversation.js';
import { say, type EngineContext, type Intent, type Turn } from '../intent.js';
import {
  absorbMedia, addDescription, DESCRIPTION_FULL, keepVoice, MAX_ATTACHMENTS, newDraft, placeOfLocation, recordBot, recordCitizen, takeHeld,
  transcriptEntry,
} from '../tip-flow/draft.js';
import type { BotReplyPart } from '../types.js';

const DANGER_OFFER = '等您安全了，如果方便，回复「是」，我们就把您刚才说的情况登记下来，尽快处理，不用重打；不需要请回复「不用」。';
const DANGER_MORE = '等您安全了，回复「是」，就把您说的这些一起登记下来，不用重打；不需要请回复「不用」。';

/** What is said while a danger offer stands, after another answer: the words are still kept. */
export const DANGER_KEPT_NOTE = '（您说的紧急情况已记下，但还没有登记。等您安全了，回复「是」就登记。）';

/**
 * What the citizen said in danger is offered as a tip, as any problem heard outside the flow is
 * (intents/understood.ts): one 「是」 files those words, graded red, without typing them again.
 * The offer keeps them as a draft (TipOffer.kept), and everything said or sent after them until
 * the citizen answers joins it: more danger words here, the rest in dangerMore.
 */
export const dangerOutsideFlow: Intent = {
  name: 'danger',
  match: (turn) => turn.emergency !== undefined && turn.record.flow === undefined,
  handle(turn, ctx) {
    if (!turn.text) return [say('等您安全了，如果方便，回复「举报」把情况告诉我们，我们会尽快处理。')];
    const pending = turn.record.offer?.kept;
    if (pending) return keepMore(turn, ctx, pending);
    const kept: TipDraft = takeHeld(turn) ?? newDraft(turn.now);
    // Violence at home is a 婚姻家庭 matter (矛盾纠纷), other danger for the police (a break-in,
    // someone missing) 治安, unless the words name another category.
    kept.category = classifyCategory(turn.text)
      ?? (turn.emergency?.domesticViolence ? 'dispute' : turn.emergency?.kind === 'police' ? 'security' : 'other');
    recordCitizen(kept, turn);
    // Within the engine's length cap, far below the description's.
    addDescription(kept, turn.text);
    keepVoice(kept, turn.input);
    const parts = [say(DANGER_OFFER)];
    recordBot(kept, parts, turn.now);
    turn.record.offer = {
      category: kept.category, text: turn.text, said: transcriptEntry(turn.input, turn.now), answered: DANGER_OFFER, danger: true, kept,
    };
    return parts;
  },
};

/** Adds this message (words, a photo, voice, a location) to the danger offer's draft. */
function keepMore(turn: Turn, ctx: EngineContext, kept: TipDraft): BotReplyPart[] {
  recordCitizen(kept, turn);
  const input = turn.input;
  const place = placeOfLocation(input, ctx.content.divisions);
  const media = absorbMedia(kept, input);
  let heard: string;
  if (place) {
    kept.place = place;
    heard = '位置已记下。';
  } else if (media) {
    heard = media;
  } else if (!addDescription(kept, turn.text)) {
    heard = DESCRIPTION_FULL;
  } else {
    keepVoice(kept, input);
    heard = '已记下。';
  }
  const parts = [say(`${heard}\n${DANGER_MORE}`)];
  recordBot(kept, parts, turn.now);
  return parts;
}

/** A message that tells something: words, voice (recognised or not), a photo, a video, a location. */
function tells(turn: Turn): boolean {
  const kind = turn.input.kind;
  return turn.text !== '' || kind === 'image' || kind === 'video' || kind === 'voice' || kind === 'location';
}

/**
 * Whatever the citizen says or sends after danger words and before answering the offer (where
 * they are, a photo, 「他还在门口」) joins those words: it never lapses with the offer, nor
 * becomes an offer of its own in their place. Commands, and the answers 「是」 / 「不用」, are
 * read before this.
 */
export const dangerMore: Intent = {
  name: 'danger_more',
  match: (turn) => turn.record.flow === undefined && turn.menuIntent === undefined && turn.record.offer?.kept !== undefined && tells(turn),
  handle(turn, ctx) {
    return keepMore(turn, ctx, turn.record.offer?.kept as TipDraft);
  },
};

/**
 * A photo, video or location sent outside any tip or offer, before the words: held for the tip
 * those words will start (`ConversationRecord.held`; a location is its place, and the place
 * question is not asked again), and the citizen asked to say what it is about.
 */
function holdEvidence(turn: Turn, ctx: EngineContext): BotReplyPart[] | undefined {
  const input = turn.input;
  if (turn.record.flow || turn.record.offer) return undefined;
  if (input.kind === 'location') {
    const place = placeOfLocation(input, ctx.content.divisions);
    if (!place) return undefined;
    const held = (turn.record.held ??= newDraft(turn.now));
    recordCitizen(held, turn);
    held.place = place;
    const parts = [say('位置收到了。是要反映这个地方的什么事吗？请打字或发语音说一说发生了什么。位置会一起放进您的反映里，不用重发。')];
    recordBot(held, parts, turn.now);
    return parts;
  }
  if ((input.kind !== 'image' && input.kind !== 'video') || !input.mediaId) return undefined;
  const held = (turn.record.held ??= newDraft(turn.now));
  recordCitizen(held, turn);
  const what = input.kind === 'image' ? '照片' : '视频';
  const before = held.attachments.length;
  absorbMedia(held, input);
  const kept = held.attachments.length > before;
  const parts = [say(kept
    ? `${what}收到了。是要反映什么事吗？请打字或发语音说一说：在哪里、发生了什么。${what}会一起放进您的反映里，不用重发。\n想看看一条消息是不是诈骗，请把消息的文字复制发给我。`
    : `这个${what}没有保存：已经收到很多了（最多${MAX_ATTACHMENTS}个）。请打字或发语音说说是什么事。`)];
  recordBot(held, parts, turn.now);
  return parts;
}

export const fallback: Intent = {
  name: 'fallback',
  match: () => true,
  handle(turn, ctx) {
    const input = turn.input;
    if (input.kind === 'voice' && !turn.text) {
      return [say('语音我没听清。请打字告诉我，或者回复「人工」联系工作人员。')];
    }
    const held = holdEvidence(turn, ctx);
    if (held) return held;
    if (input.kind === 'image' || input.kind === 'video' || input.kind === 'location' || input.kind === 'link') {
      return [say('收到了。如果是要反映问题，请先回复「举报」，再按提示发照片或位置。\n想看看一条消息是不是诈骗，请回复「鉴诈」加上文字内容。')];
    }
    return [say(`您好，我是「平安三明」小助手，这句话我没能明白。\n${ctx.content.help}`)];
  },
};
