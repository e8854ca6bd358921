// The county question: where a follower of the official account lives, so local anti-fraud
// alerts reach them (src/alerts/followers). Asked at most once per follower (the registry marks
// it): after their first 「反诈」, or after a confirmed tip or a location that names a county —
// then only as a yes/no to that county, since the place of a tip or of a location sent need not
// be where the citizen lives, and no county is kept without their say. The next
// message answers it; anything that is not an answer lets the question lapse (the engine drops
// the flow) and is handled as usual.
import type { Divisions } from '../places.js';
import { matchPlace } from '../places.js';
import { foldToSimplified } from '../../tips/rules/plain-text.js';
import { isWholeCommand, say, type EngineContext, type Intent, type Turn } from '../intent.js';
import type { BotReplyPart } from '../types.js';
import { errorFields } from '../../platform/logger.js';

export const COUNTY_QUESTION = '您住在哪个县（市、区）？告诉我，以后当地的防骗预警会先发给您。回复县名，比如「沙县」，或回复「不用」。';
export const countyConsentQuestion = (countyName: string) => `以后${countyName}的防骗预警，要不要也发给您？回复「要」或「不用」。`;

const YES = ['要', '要的', '好', '好的', '可以', '行', '是', '是的', '需要', '愿意'];
const NO = ['不用', '不用了', '不要', '不要了', '不需要', '算了', '不', '否', '取消', '不愿意'];

/** The answer as a word, read folded (「願意」): spaces and closing punctuation do not count. */
const word = (text: string) => foldToSimplified(text).replace(/\s+/g, '').replace(/[。！!，,.？?~～]+$/u, '');
const isOneOf = (text: string, words: readonly string[]) => words.includes(word(text));


/** Only the official account has followers. */
const hasFollowers = (turn: Turn, ctx: EngineContext) => ctx.followers !== undefined && turn.citizen.channel === 'official_account';

/**
 * After the first 「反诈」: asks where the follower lives, unless another flow is open or they were
 * asked before. Returns the question to add, or undefined. Never fails the turn.
 */
export async function askCountyOnce(turn: Turn, ctx: EngineContext): Promise<string | undefined> {
  if (!hasFollowers(turn, ctx) || turn.record.flow) return undefined;
  try {
    if (!(await ctx.followers!.askCountyOnce(turn.citizen, turn.now))) return undefined;
  } catch (err) {
    ctx.logger.warn(errorFields(err), 'bot: county question not asked');
    return undefined;
  }
  turn.record.flow = { name: 'county_question' };
  return COUNTY_QUESTION;
}

/**
 * After a tip is confirmed with a county, or a location names one: asks whether that county's
 * alerts may go to the follower too (their consent), when they were never asked.
 */
export async function askCountyConsent(
  turn: Turn, ctx: EngineContext, countyCode: string, from: 'tip' | 'location' = 'tip',
): Promise<string | undefined> {
  const county = ctx.content.divisions.counties.find((c) => c.code === countyCode);
  if (!county || !hasFollowers(turn, ctx) || turn.record.flow) return undefined;
  try {
    if (!(await ctx.followers!.askCountyOnce(turn.citizen, turn.now))) return undefined;
  } catch (err) {
    ctx.logger.warn(errorFields(err), 'bot: county consent not asked');
    return undefined;
  }
  turn.record.flow = { name: 'county_question', offered: county.code, offeredFrom: from };
  return countyConsentQuestion(county.name);
}

// What a reply may hold beside the place itself: 「我住在永安」, 「三明市沙县区的」, 「是尤溪县啊」.
const PLACE_FILLER = /福建省?|三明市?|我们|我|住|在|是|的|家|这边|那边|这里|那里|里|人|呢|啊|吧|哦|嗯|呀|[\s，,。.！!？?~～]/g;
const SUFFIX = /(区|县|市|街道|畲族乡|镇|乡)$/;

/**
 * The county a reply names when the reply is only a place: a story that mentions one (「我刚在
 * 沙县接到自称公安的电话」) is not an answer, and is read as usual once the question lapses.
 */
export function countyOfAnswer(text: string, divisions: Divisions): string | undefined {
  const place = matchPlace(text, divisions);
  if (!place) return undefined;
  // The place's names and the filler are simplified words, so the rest is read folded.
  let rest = foldToSimplified(text);
  for (const name of [place.townshipName, place.countyName]) {
    if (!name) continue;
    rest = rest.replace(name, '').replace(name.replace(SUFFIX, ''), '');
  }
  return rest.replace(PLACE_FILLER, '').length <= 2 ? place.countyCode : undefined;
}

/** The answer to the county question: a county, 「要」 to the county offered, or 「不用」. */
export function countyAnswer(divisions: Divisions): Intent {
  return {
    name: 'county_answer',
    match(turn) {
      const flow = turn.record.flow;
      if (flow?.name !== 'county_question' || turn.menuIntent !== undefined || !turn.text || isWholeCommand(turn.text)) return false;
      if (isOneOf(turn.text, NO)) return true;
      return flow.offered !== undefined ? isOneOf(turn.text, YES) : countyOfAnswer(turn.text, divisions) !== undefined;
    },
    async handle(turn, ctx): Promise<BotReplyPart[]> {
      const flow = turn.record.flow;
      delete turn.record.flow;
      if (flow?.name !== 'county_question' || !ctx.followers) return [];
      try {
        if (isOneOf(turn.text, NO)) {
          await ctx.followers.countyDeclined(turn.citizen, turn.now);
          return [say('好的，不记您的县（市、区）了。想看防骗知识，随时回复「反诈」。')];
        }
        const code = flow.offered ?? countyOfAnswer(turn.text, divisions);
        const county = divisions.counties.find((c) => c.code === code);
        if (!county) return [say('好的。')];
        const source = flow.offered !== undefined ? flow.offeredFrom ?? 'tip' : 'asked';
        const kept = await ctx.followers.countyLearned(turn.citizen, county.code, source, turn.now);
        return [say(kept ? `好的，记下了：${county.name}。以后当地的防骗预警会先发给您。` : '好的，谢谢您。')];
      } catch (err) {
        ctx.logger.warn(errorFields(err), 'bot: county answer not recorded');
        return [say('抱歉，系统暂时出了点问题，没有记下。')];
      }
    },
  };
}
