// The categories and danger words as the bot shows and recognises them. Kept here rather than
// imported from src/tips so the conversation can change its wording without touching the
// domain; the keys are the TipDesk's keys and the names follow domain.md.
import type { TipCategoryKey } from './ports.js';

export interface BotCategory {
  key: TipCategoryKey;
  name: string;
  /** A few plain examples, so an elderly citizen recognises their matter in the list. */
  hint: string;
  keywords: readonly string[];
}

export const BOT_CATEGORIES: readonly BotCategory[] = [
  { key: 'security', name: '治安线索、扫黑除恶', hint: '赌博、偷盗、打架、黑恶势力',
    keywords: ['赌博', '聚赌', '聚众', '打架', '斗殴', '偷', '盗窃', '抢劫', '抢', '黑恶', '黑社会', '涉黑', '涉恶',
      '高利贷', '吸毒', '贩毒', '毒品', '卖淫', '嫖娼', '保护费', '敲诈', '恐吓', '寻衅滋事', '砍人', '持刀', '杀人', '绑架', '放火'] },
  { key: 'fraud', name: '电信网络诈骗、养老诈骗', hint: '被骗、可疑电话短信、保健品',
    keywords: ['诈骗', '被骗', '骗子', '骗钱', '骗了', '刷单', '安全账户', '保健品', '杀猪盘', '验证码', '冒充', '网贷', '养老诈骗'] },
  { key: 'dispute', name: '矛盾纠纷', hint: '邻里、婚姻家庭、土地、欠工资',
    keywords: ['纠纷', '邻居', '邻里', '吵架', '离婚', '婚姻', '家暴', '土地', '宅基地', '山林', '林权', '欠薪', '工资',
      '拖欠', '劳资', '赡养', '遗产', '分家', '噪音', '占地'] },
  { key: 'legal', name: '涉法涉诉', hint: '对法院、检察院、公安办案有意见',
    keywords: ['法院', '判决', '判得', '执行', '检察院', '立案', '案件', '申诉', '冤', '错案', '诉讼', '办案', '官司'] },
  { key: 'report', name: '检举控告', hint: '干部、政法干警违纪违法',
    keywords: ['贪污', '受贿', '腐败', '干部', '村干部', '村支书', '村主任', '警察', '民警', '干警', '不作为', '乱作为',
      '滥用职权', '吃拿卡要', '保护伞', '索贿'] },
  { key: 'ecology', name: '生态环境', hint: '乱砍滥伐、污染、非法采矿',
    keywords: ['砍树', '盗伐', '滥伐', '偷伐', '林木', '污染', '排污', '废水', '废气', '采砂', '挖沙', '采矿', '开矿',
      '电鱼', '毒鱼', '捕鸟', '野生动物', '倒垃圾'] },
  { key: 'online', name: '网络生态', hint: '网络谣言、有害信息',
    keywords: ['谣言', '造谣', '网上', '网络', '抖音', '快手', '色情', '有害信息', '网暴'] },
  { key: 'business', name: '营商环境、企业诉求', hint: '企业遇到的执法、收费问题',
    keywords: ['企业', '公司', '营商', '执法', '罚款', '乱收费', '涉企', '商户', '厂'] },
  { key: 'suggestion', name: '建议意见', hint: '对工作的建议',
    keywords: ['建议', '意见', '希望', '提议'] },
  { key: 'other', name: '其他', hint: '以上都不是', keywords: [] },
];

export function categoryByKey(key: TipCategoryKey): BotCategory {
  return BOT_CATEGORIES.find((c) => c.key === key) ?? (BOT_CATEGORIES[BOT_CATEGORIES.length - 1] as BotCategory);
}

/** Numbered list for the category step: the citizen answers with a number or a name. */
export function categoryMenu(): string {
  return BOT_CATEGORIES.map((c, i) => `${i + 1}. ${c.name}（${c.hint}）`).join('\n');
}

/**
 * Guesses the category from free text by keyword; longer keywords weigh more so 「电信网络诈骗」
 * beats 「网络」. Undefined when nothing matched: the citizen then picks from the list.
 */
export function classify(text: string): TipCategoryKey | undefined {
  let best: { key: TipCategoryKey; score: number } | undefined;
  for (const c of BOT_CATEGORIES) {
    const score = c.keywords.reduce((s, k) => (text.includes(k) ? s + k.length : s), 0);
    if (score > 0 && (!best || score > best.score)) best = { key: c.key, score };
  }
  return best?.key;
}

/** Words that mean someone may be in danger now: the bot answers with 110 at once. */
export const DANGER_WORDS: readonly string[] = [
  '杀人', '自杀', '爆炸', '炸药', '持刀', '砍人', '捅人', '绑架', '放火', '纵火', '跳楼', '轻生', '不想活',
  '同归于尽', '报复社会', '投毒', '持枪', '开枪', '要出人命', '行凶',
];

export function hasDangerWords(text: string): boolean {
  return DANGER_WORDS.some((w) => text.includes(w));
}

export const DANGER_REPLY = '紧急情况请立即拨打110！如果有人正处在危险中，请先报警，保护好自己。';
