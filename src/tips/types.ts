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
  /** undefined: triage decides. */
  defaultUnit: UnitKey | undefined;
  defaultLegalType: LegalType;
  /** Substrings of free text that suggest this category. */
  keywords: readonly string[];
}

// Security, fraud etc. default to 申诉求决, not 检举控告: in the 条例 (Art 30) 检举控告 means
// misconduct of officials, and the policy hides those from county staff. A citizen's crime
// tip still protects the reporter through the identity rules, not through visibility.
export const CATEGORIES: readonly CategoryInfo[] = [
  {
    key: 'security', name: '治安线索、扫黑除恶', defaultUnit: 'police', defaultLegalType: 'appeal',
    keywords: ['赌博', '聚赌', '赌场', '吸毒', '贩毒', '毒品', '黑恶', '黑社会', '涉黑', '涉恶', '扫黑',
      '盗窃', '偷盗', '小偷', '抢劫', '打架', '斗殴', '卖淫', '嫖娼', '治安', '高利贷', '保护费'],
  },
  {
    key: 'fraud', name: '电信网络诈骗、养老诈骗', defaultUnit: 'anti_fraud_centre', defaultLegalType: 'appeal',
    keywords: ['诈骗', '骗子', '被骗', '刷单', '转账', '安全账户', '杀猪盘', '冒充', '退款', '网贷',
      '贷款', '投资理财', '返利', '验证码', '保健品', '养老诈骗', '以房养老', '中奖'],
  },
  {
    key: 'dispute', name: '矛盾纠纷', defaultUnit: 'township_centre', defaultLegalType: 'appeal',
    keywords: ['邻居', '邻里', '纠纷', '土地', '宅基地', '山林', '工资', '欠薪', '讨薪', '拖欠',
      '婚姻', '离婚', '家庭矛盾', '赡养', '抚养', '物业', '噪音', '漏水', '征地', '拆迁', '劳资'],
  },
  {
    key: 'legal', name: '涉法涉诉', defaultUnit: 'zfw', defaultLegalType: 'appeal',
    keywords: ['法院', '判决', '执行', '检察院', '裁定', '立案', '审判', '法官', '诉讼', '执法不公'],
  },
  {
    key: 'report', name: '检举控告', defaultUnit: 'discipline', defaultLegalType: 'accusation',
    keywords: ['贪污', '受贿', '索贿', '行贿', '腐败', '干警', '渎职', '滥用职权', '不作为',
      '吃拿卡要', '保护伞', '公职人员', '违纪'],
  },
  {
    key: 'ecology', name: '生态环境', defaultUnit: 'eco_justice', defaultLegalType: 'appeal',
    keywords: ['砍伐', '盗伐', '滥伐', '毁林', '排污', '偷排', '污水', '采矿', '采砂', '盗采',
      '污染', '电鱼', '非法捕捞', '野生动物', '倾倒'],
  },
  {
    key: 'online', name: '网络生态', defaultUnit: 'cyber_centre', defaultLegalType: 'appeal',
    keywords: ['谣言', '造谣', '网络', '网上', '网暴', '朋友圈', '短视频', '直播', '不良信息'],
  },
  {
    key: 'business', name: '营商环境、企业诉求', defaultUnit: 'zfw', defaultLegalType: 'appeal',
    keywords: ['企业', '营商', '涉企', '公司', '商户', '个体户', '乱罚款', '执法检查', '审批'],
  },
  {
    key: 'suggestion', name: '建议意见', defaultUnit: 'zfw', defaultLegalType: 'suggestion',
    keywords: ['建议', '意见', '提议', '倡议'],
  },
  { key: 'other', name: '其他', defaultUnit: undefined, defaultLegalType: 'appeal', keywords: [] },
];

const BY_KEY = new Map(CATEGORIES.map((c) => [c.key, c]));

export function categoryInfo(key: Category): CategoryInfo {
  // Every key is in the table (a test checks it); the fallback keeps the type honest.
  return BY_KEY.get(key) ?? { key, name: key, defaultUnit: undefined, defaultLegalType: 'appeal', keywords: [] };
}

// When two categories match equally, the one whose mistake costs more wins: an accusation
// misrouted to a county could reach the accused; a suggestion misrouted costs nothing.
const TIE_ORDER: readonly Category[] = [
  'report', 'fraud', 'security', 'ecology', 'legal', 'dispute', 'online', 'business', 'suggestion',
];

/**
 * Guess a category from free text by counting distinct keyword hits. A hint for triage
 * (and for the bot's first question), never a decision: staff can always change it.
 */
export function classifyText(text: string): Category | undefined {
  const normalised = text.normalize('NFKC').replace(/\s+/g, '');
  let best: Category | undefined;
  let bestScore = 0;
  for (const key of TIE_ORDER) {
    const score = categoryInfo(key).keywords.filter((k) => normalised.includes(k)).length;
    if (score > bestScore) {
      best = key;
      bestScore = score;
    }
  }
  return best;
}
