// 分级分类分色: a first risk grade computed from the tip's words, which staff may override
// (with a logged reason). Keyword matching errs towards red: a false red costs a look, a
// false green can cost a life. Negations ("没有打人") are not parsed on purpose. An emergency
// (rules/emergency.ts) and domestic violence told as going on (rules/domestic-violence.ts) are
// always red; the groups below also catch what is past or threatened.
import type { Category, Colour } from '../types.js';
import { withoutHarmlessUses } from './emergency.js';
import { detectDanger } from './domestic-violence.js';
import { compactText } from './plain-text.js';
import { ASSIGN_WITHIN_DAYS, YELLOW_ACK_DAYS } from './limits.js';
import { calendarPeriodEnd } from './deadlines.js';
import { endOfShanghaiDay, shanghaiDay } from '../../platform/beijing-time.js';
import type { HolidayTable } from './working-days.js';

interface WordGroup { label: string; words: readonly string[] }

const RED_GROUPS: readonly WordGroup[] = [
  {
    label: '危及人身安全',
    words: ['杀人', '砍人', '砍伤', '捅人', '行凶', '持刀', '殴打', '打人', '打伤', '打架', '斗殴', '家暴',
      '绑架', '劫持', '强奸', '放火', '纵火', '爆炸', '投毒'],
  },
  { label: '涉及凶器', words: ['枪支', '持枪', '开枪', '猎枪', '炸药', '雷管', '管制刀具'] },
  { label: '群体聚集', words: ['聚集', '围堵', '堵路', '上访', '静坐', '拉横幅', '群体性'] },
  { label: '涉黑涉恶', words: ['黑社会', '黑恶', '涉黑', '涉恶', '暴力催收', '暴力讨债'] },
  {
    label: '扬言极端',
    words: ['极端', '跳楼', '跳河', '自杀', '轻生', '寻死', '不想活', '同归于尽', '报复社会', '喝农药', '扬言'],
  },
];

const YELLOW_GROUPS: readonly WordGroup[] = [
  {
    label: '涉及弱势群体',
    words: ['老人', '老年', '高龄', '儿童', '小孩', '未成年', '残疾', '孕妇', '留守', '独居', '精神障碍'],
  },
  {
    label: '矛盾可能激化',
    words: ['激化', '升级', '多次', '反复', '屡次', '一直没有解决', '没人管', '威胁', '恐吓', '辱骂', '吵架',
      '冲突', '讨薪', '欠薪'],
  },
];

function normalise(text: string): string {
  return withoutHarmlessUses(compactText(text));
}

function hits(text: string, groups: readonly WordGroup[]): string[] {
  const reasons: string[] = [];
  for (const g of groups) {
    const found = g.words.filter((w) => text.includes(w));
    if (found.length > 0) reasons.push(`${g.label}：${found.join('、')}`);
  }
  return reasons;
}

export interface ColourInput {
  category: Category;
  text: string;
  /** Staff or the bot know the reporter or victim is elderly, a minor, disabled… */
  vulnerable?: boolean;
  /** Earlier submissions on the same matter. */
  repeatCount?: number;
}

export interface ColourGrade {
  colour: Colour;
  /** Why, in Chinese for the staff page; red reasons first. */
  reasons: string[];
}

export function gradeColour(input: ColourInput): ColourGrade {
  const text = normalise(input.text);
  const red = hits(text, RED_GROUPS);
  // Someone in danger now, or domestic violence told as going on (habitual: 「儿媳妇天天打我」),
  // which the words above do not name. The cue quotes the citizen's words: a reason is masked
  // where it is stored (sealed-texts.ts storedColourReason).
  const danger = detectDanger(input.text);
  if (danger) red.push(`${danger.domesticViolence === 'ongoing' ? '家庭暴力' : '紧急情况'}：${danger.cue}`);
  const yellow = hits(text, YELLOW_GROUPS);
  if (input.vulnerable) yellow.unshift('涉及弱势群体');
  const repeats = input.repeatCount ?? 0;
  if (repeats >= 1) yellow.push(`重复反映（此前已反映${repeats}次）`);
  // Yellow reasons stay listed under a red grade: staff who downgrade red should see them.
  if (red.length > 0) return { colour: 'red', reasons: [...red, ...yellow] };
  if (yellow.length > 0) return { colour: 'yellow', reasons: yellow };
  return { colour: 'green', reasons: [] };
}

/**
 * When the citizen must have been answered that the tip is being handled. Red: the same
 * Shanghai day, whatever the calendar (someone is on duty). Yellow: 3 calendar days, an
 * internal target stricter than the law, so no holiday relief. Green: the legal 15-day
 * clock, whose last day moves past weekends and holidays (民法典 Art 203).
 */
export function acknowledgeBy(colour: Colour, receivedAt: Date, holidays: HolidayTable): Date {
  switch (colour) {
    case 'red':
      return endOfShanghaiDay(shanghaiDay(receivedAt));
    case 'yellow':
      return endOfShanghaiDay(shanghaiDay(receivedAt) + YELLOW_ACK_DAYS);
    case 'green':
      return calendarPeriodEnd(receivedAt, ASSIGN_WITHIN_DAYS, holidays);
  }
}
