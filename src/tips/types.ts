// The tips domain's shared vocabulary: the closed sets every layer (bot, staff pages,
// repositories, rules) agrees on, with the Chinese words citizens and staff see.

export const CATEGORY_KEYS = [
  'security', 'fraud', 'dispute', 'legal', 'report',
  'ecology', 'online', 'business', 'suggestion', 'other',
] as const;
export type Category = (typeof CATEGORY_KEYS)[number];

/** 信访工作条例 Art 29–31: 建议意见 / 检举控告 / 申诉求决. */
export const LEGAL_TYPES = ['suggestion', 'accusation', 'appeal'] as const;
export type LegalType = (typeof LEGAL_TYPES)[number];

export const COLOURS = ['red', 'yellow', 'green'] as const;
export type Colour = (typeof COLOURS)[number];

export const TIP_STATES = [
  'received', 'claimed', 'assigned', 'in_progress', 'answered', 'closed',
  'rejected', 'duplicate', 'transferred', 'extended', 'reopened',
] as const;
export type TipState = (typeof TIP_STATES)[number];

/** States in which the tip is still being handled: its clock (`due_at`) runs, and its citizen may add to it (补充). */
export const OPEN_STATES = ['received', 'claimed', 'assigned', 'in_progress', 'extended', 'reopened'] as const satisfies readonly TipState[];

export const ROLES = ['admin', 'supervisor', 'triage', 'county', 'township', 'editor'] as const;
export type Role = (typeof ROLES)[number];

export const RATINGS = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const;
export type Rating = (typeof RATINGS)[number];

const member = <T extends string>(list: readonly T[]) => (value: unknown): value is T =>
  typeof value === 'string' && (list as readonly string[]).includes(value);

export const isCategory = member(CATEGORY_KEYS);
export const isLegalType = member(LEGAL_TYPES);
export const isColour = member(COLOURS);
export const isTipState = member(TIP_STATES);
export const isRole = member(ROLES);
export const isRating = member(RATINGS);

export const STATE_LABELS: Readonly<Record<TipState, string>> = {
  received: '已受理',
  claimed: '受理中',
  assigned: '已交办',
  in_progress: '办理中',
  answered: '已答复',
  closed: '已办结',
  rejected: '不予受理',
  duplicate: '重复反映',
  transferred: '已转送',
  extended: '已延期',
  reopened: '复查中',
};

/**
 * The words a citizen reads for each state (查询, notices, template messages), following the 信访
 * steps: 已收到 → 已登记受理 / 不予受理 → 办理中 → 已答复 → 已办结. Staff keep STATE_LABELS; a
 * citizen never sees 已受理 before a unit has accepted the tip, nor a claim as a step back.
 */
export const CITIZEN_STATE_LABELS: Readonly<Record<TipState, string>> = {
  received: '已收到',
  claimed: '已收到',
  assigned: '已登记受理',
  in_progress: '办理中',
  extended: '办理中',
  reopened: '办理中',
  answered: '已答复',
  closed: '已办结',
  rejected: '不予受理',
  duplicate: '重复反映',
  transferred: '已转送',
};

export const COLOUR_LABELS: Readonly<Record<Colour, string>> = {
  red: '红色',
  yellow: '黄色',
  green: '绿色',
};

export const LEGAL_TYPE_LABELS: Readonly<Record<LegalType, string>> = {
  suggestion: '建议意见',
  accusation: '检举控告',
  appeal: '申诉求决',
};

export const RATING_LABELS: Readonly<Record<Rating, string>> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  unsatisfied: '不满意',
};

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  admin: '系统管理员',
  supervisor: '督办',
  triage: '受理员',
  county: '县级政法委员',
  township: '乡镇政法委员',
  editor: '编辑',
};

/**
 * Handling units a category goes to by default. 'discipline' is also the key the policy
 * module trusts with 检举控告, so it must not be renamed on one side only.
 */
export const UNIT_LABELS = {
  police: '公安机关',
  anti_fraud_centre: '公安反诈中心',
  township_centre: '乡镇综治中心（人民调解）',
  zfw: '市委政法委',
  discipline: '纪检监察机关',
  eco_justice: '生态法庭、生态检察',
  cyber_centre: '网络生态治理中心',
} as const satisfies Record<string, string>;
export type UnitKey = keyof typeof UNIT_LABELS;

export interface CategoryInfo {
  key: Category;
  /** 名称 as staff and citizens see it. */
  name: string;
  /** A few plain examples, so an elderly citizen recognises their matter in the bot's list. */
  hint: string;
  /** undefined: triage decides. */
  defaultUnit: UnitKey | undefined;
  defaultLegalType: LegalType;
}

// Security, fraud etc. default to 申诉求决, not 检举控告: in the 条例 (Art 30) 检举控告 means
// misconduct of officials, and the policy hides those from county staff. A citizen's crime
// tip still protects the reporter through the identity rules, not through visibility.
// The words that suggest each category live in rules/category.ts.
export const CATEGORIES: readonly CategoryInfo[] = [
  { key: 'security', name: '治安线索、扫黑除恶', hint: '赌博、偷盗、打架、黑恶势力', defaultUnit: 'police', defaultLegalType: 'appeal' },
  { key: 'fraud', name: '电信网络诈骗、养老诈骗', hint: '被骗、可疑电话短信、保健品', defaultUnit: 'anti_fraud_centre', defaultLegalType: 'appeal' },
  { key: 'dispute', name: '矛盾纠纷', hint: '邻里、婚姻家庭、土地、欠工资', defaultUnit: 'township_centre', defaultLegalType: 'appeal' },
  { key: 'legal', name: '涉法涉诉', hint: '对法院、检察院、公安办案有意见', defaultUnit: 'zfw', defaultLegalType: 'appeal' },
  { key: 'report', name: '检举控告', hint: '干部、政法干警违纪违法', defaultUnit: 'discipline', defaultLegalType: 'accusation' },
  { key: 'ecology', name: '生态环境', hint: '乱砍滥伐、污染、非法采矿', defaultUnit: 'eco_justice', defaultLegalType: 'appeal' },
  { key: 'online', name: '网络生态', hint: '网络谣言、有害信息', defaultUnit: 'cyber_centre', defaultLegalType: 'appeal' },
  { key: 'business', name: '营商环境、企业诉求', hint: '企业遇到的执法、收费问题', defaultUnit: 'zfw', defaultLegalType: 'appeal' },
  { key: 'suggestion', name: '建议意见', hint: '对工作的建议', defaultUnit: 'zfw', defaultLegalType: 'suggestion' },
  { key: 'other', name: '其他', hint: '以上都不是', defaultUnit: undefined, defaultLegalType: 'appeal' },
];

const BY_KEY = new Map(CATEGORIES.map((c) => [c.key, c]));

export function categoryInfo(key: Category): CategoryInfo {
  // Every key is in the table (a test checks it); the fallback keeps the type honest.
  return BY_KEY.get(key) ?? { key, name: key, hint: '', defaultUnit: undefined, defaultLegalType: 'appeal' };
}
