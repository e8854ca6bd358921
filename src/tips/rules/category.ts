// The one category classifier, for the bot's first guess and for triage's hint. A hint, never a
// decision: the citizen confirms it and staff can change it.
//
// Each category has words (and short patterns) citizens use for it. The score is the summed
// length of the distinct words found, so 「电信网络诈骗」 outweighs 「网络」; a tie goes to the
// category whose mistake costs more (an accusation misrouted to a county could reach the accused).
import type { Category } from '../types.js';
import { compactText } from './plain-text.js';

const WORDS: Readonly<Record<Exclude<Category, 'other'>, readonly string[]>> = {
  security: [
    '赌博', '聚赌', '赌场', '开赌', '赌钱', '六合彩', '地下彩票', '吸毒', '贩毒', '毒品', '溜冰', '黑恶', '黑社会', '涉黑', '涉恶', '扫黑',
    '盗窃', '偷盗', '小偷', '被偷', '偷(了|走)', '偷东西', '偷车', '偷电瓶', '扒手', '抢劫', '打架', '斗殴', '寻衅滋事', '卖淫', '嫖娼', '治安',
    '高利贷', '放贷', '套路贷', '暴力催收', '保护费', '敲诈', '勒索', '恐吓', '收数', '混混', '地痞', '流氓', '团伙', '霸市', '强买强卖', '非法持有',
    '管制刀具', '猎枪', '炸药', '传销', '枪支', '枪', '(卖|买|造|制造|私藏|藏)枪', '弹药', '罂粟', '大麻', '拐卖', '拐骗', '人贩子', '假币', '走私',
  ],
  fraud: [
    '诈骗', '骗子', '被骗', '骗(了|走)', '骗钱', '行骗', '刷单', '安全账户', '杀猪盘', '冒充', '网贷', '投资理财', '返利', '验证码',
    '保健品', '养老诈骗', '以房养老', '中奖', '假冒', '虚假', '诈骗窝点', '电诈', '跑分', '两卡', '收购银行卡', '买卖银行卡', '帮信',
  ],
  dispute: [
    '纠纷', '邻居', '邻里', '吵架', '矛盾', '离婚', '婚姻', '家庭矛盾', '家暴', '土地', '宅基地', '山林', '林权', '田地', '地界', '边界',
    '工资', '欠薪', '讨薪', '拖欠', '劳资', '包工头', '工钱', '赡养', '抚养', '遗产', '分家', '继承', '物业', '停车费', '噪音', '噪声', '扰民',
    '漏水', '渗水', '占地', '占用', '征地', '拆迁', '补偿款', '赔偿', '租金', '房租', '押金不退', '装修', '欠钱不还', '借钱不还', '欠款', '违建', '挡光', '堵门',
  ],
  legal: [
    '法院', '判决', '判了', '执行', '检察院', '裁定', '立案', '不立案', '审判', '法官', '诉讼', '执法不公', '申诉', '冤', '错案',
    '官司', '开庭', '派出所(不|没)', '办案', '案件', '公正', '枉法', '拖着不办',
  ],
  report: [
    '贪污', '受贿', '索贿', '行贿', '腐败', '干警', '渎职', '滥用职权', '不作为', '乱作为', '吃拿卡要', '保护伞', '公职人员', '违纪',
    '村干部', '村支书', '村主任', '书记', '镇长', '干部', '领导', '挪用', '截留', '优亲厚友', '低保', '虚报', '冒领', '公款', '收红包', '吃空饷',
    '警察(打|收|骂|威胁|包庇)', '民警(打|收|骂|威胁|包庇)', '包庇', '徇私',
  ],
  ecology: [
    '砍伐', '盗伐', '滥伐', '偷伐', '毁林', '砍树', '林木', '排污', '偷排', '污水', '废水', '废气', '黑烟', '臭味', '采矿', '采砂',
    '挖沙', '盗采', '开矿', '污染', '电鱼', '毒鱼', '炸鱼', '非法捕捞', '捕鸟', '野生动物', '倾倒', '倒垃圾', '乱倒', '垃圾', '焚烧', '河道', '水源',
    '粉尘', '养猪场', '养殖场', '烧山', '毁坏耕地',
  ],
  online: [
    '谣言', '造谣', '网络', '网上', '网暴', '朋友圈', '短视频', '直播', '不良信息', '有害信息', '色情', '抖音', '快手', '微信群', '公众号',
    '帖子', '发帖', '人肉', '辱骂', '诽谤', '网站', '黄色', '赌博网站', '带节奏',
  ],
  business: [
    '企业', '营商', '涉企', '公司', '商户', '个体户', '老板', '工厂', '厂里', '乱罚款', '罚款', '执法检查', '检查', '审批', '乱收费',
    '刁难', '吃拿', '办证', '招商', '门店', '店铺', '店面', '生意', '查封', '扣押', '城管', '招牌', '环评', '手续', '停产', '工程款', '验收',
  ],
  suggestion: ['建议', '意见', '提议', '倡议', '希望', '能不能', '可不可以', '应该', '最好'],
};

// When scores tie, the first listed wins.
const TIE_ORDER: readonly Exclude<Category, 'other'>[] = [
  'report', 'fraud', 'security', 'ecology', 'legal', 'dispute', 'online', 'business', 'suggestion',
];

const COMPILED = TIE_ORDER.map((key) => ({ key, words: WORDS[key].map((w) => new RegExp(w, 'u')) }));

/** The category a citizen's words suggest, or undefined when none does. */
export function classifyCategory(text: string): Category | undefined {
  const t = compactText(text);
  let best: Category | undefined;
  let bestScore = 0;
  for (const { key, words } of COMPILED) {
    let score = 0;
    for (const re of words) {
      const m = re.exec(t);
      if (m) score += m[0].length;
    }
    if (score > bestScore) {
      best = key;
      bestScore = score;
    }
  }
  return best;
}
