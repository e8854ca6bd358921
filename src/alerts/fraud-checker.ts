// A pure, rule-based check of a suspicious message, built from the police's rules of thumb
// and the fraud types used in publicity (公安部 2022/2023). No I/O, no state: the bot shows the
// verdict and the reasons, so every rule carries the plain words that explain it.

export type FraudRisk = 'high' | 'medium' | 'low';

export interface FraudVerdict {
  risk: FraudRisk;
  types: string[];
  reasons: string[];
  advice: string;
}

interface Rule {
  type: string;
  risk: 'high' | 'medium';
  test: (t: string) => boolean;
  reason: string;
}

const has = (re: RegExp) => (t: string) => re.test(t);

const PAY = /(垫付|先交|先付|先转|充值|押金|保证金|手续费|解冻费|会员费|工本费|验资|刷流水|转账|汇款|打款|打钱|入金)/;
const LOAN = /(贷款|借款|放款|网贷|额度|下款)/;
const LOAN_BAIT = /(无抵押|免抵押|低利率|低息|零利息|放款快|秒到账|秒批|秒下款|无需征信|不看征信|黑户可贷|当天到账)/;
const POLICE = /(公安局|派出所|警官|民警|警察|检察院|检察官|法院|法官|公检法)/;
const CASE = /(洗钱|涉嫌|涉案|通缉|逮捕|拘捕|冻结|资金核查|清查|配合调查|保密协议|传唤|案件)/;
const INVEST = /(稳赚|保本|高回报|高收益|日收益|内幕消息|带单|导师|老师带|稳赚不赔|翻倍|平台漏洞|必中|虚拟币|USDT|博彩|理财产品)/i;
const ROMANCE = /(网友|交友|婚恋|亲爱的|宝贝|老公|老婆|相亲)/;
const PENSION = /(养老项目|养老公寓|养老基金|养老床位|以房养老|代办养老|代办社保|养老保险代办|养老帮扶|保健品|包治|特效药|免费体检|免费旅游|免费领|健康讲座)/;
const LINK = /(https?:\/\/|www\.|\.cn\b|\.com\b|\.top\b|\.xyz\b|t\.cn|点击链接|点链接)/i;
const CODE_ASK = /验证码.{0,10}(发给|告诉|提供|报给|念给|给我)|(发给|告诉|提供|报给|念给).{0,10}验证码/;

const RULES: readonly Rule[] = [
  { type: '刷单返利', risk: 'high', test: (t) => /(刷单|做任务|点赞|返利|返佣|佣金)/.test(t) && PAY.test(t),
    reason: '刷单、做任务要您先垫钱或充值的，都是诈骗。' },
  { type: '刷单返利', risk: 'medium', test: has(/(刷单|兼职日结|足不出户.{0,6}(赚|挣)|动动手指)/),
    reason: '刷单兼职是诈骗常用的诱饵，刷单本身也违法。' },
  { type: '虚假网络贷款', risk: 'high', test: (t) => LOAN.test(t) && (LOAN_BAIT.test(t) || /征信/.test(t)) && PAY.test(t),
    reason: '「无抵押、低利率、放款快」的贷款，放款前要交手续费、保证金、解冻费的，都是诈骗。' },
  { type: '虚假网络贷款', risk: 'medium', test: (t) => LOAN.test(t) && LOAN_BAIT.test(t),
    reason: '正规贷款不会用「无抵押、秒到账、不看征信」来招揽。' },
  { type: '冒充公检法', risk: 'high', test: has(/安全账户/),
    reason: '公安机关没有「安全账户」，让您把钱转进去的一定是诈骗。' },
  { type: '冒充公检法', risk: 'high', test: (t) => POLICE.test(t) && (CASE.test(t) || PAY.test(t)),
    reason: '公安、检察院、法院不会打电话或在网上办案，更不会让您转账。' },
  { type: '冒充公检法', risk: 'high', test: has(/视频(办案|做笔录|审讯|录口供|核查)|屏幕共享|共享屏幕/),
    reason: '警察不会视频办案；要您开「屏幕共享」的，是想偷看您的银行卡和验证码。' },
  { type: '虚假征信', risk: 'high', test: has(/(征信(修复|洗白|有问题|异常|受损|会受影响|影响)|消除不良记录|注销.{0,6}(校园贷|学生贷|账户|贷款)|关闭.{0,4}(百万保障|金条|白条))/),
    reason: '说您征信有问题、要「注销校园贷」「修复征信」的，都是诈骗；征信只能由人民银行依法处理。' },
  { type: '冒充电商物流客服', risk: 'high', test: (t) => /(客服|快递|包裹|理赔|退款|退货)/.test(t) && (/(备用金|屏幕共享|贷款|验证码)/.test(t) || PAY.test(t)),
    reason: '自称客服说要退款、理赔，却让您贷款、转账或报验证码的，是诈骗。' },
  { type: '冒充电商物流客服', risk: 'medium', test: has(/((快递|包裹).{0,10}(丢失|丢了|破损)|双倍赔偿|理赔)/),
    reason: '快递丢失、双倍赔偿的来电，要通过购物平台官方渠道核实。' },
  { type: '网络婚恋交友（杀猪盘）', risk: 'high', test: (t) => ROMANCE.test(t) && (INVEST.test(t) || /(平台|充值|投资)/.test(t)),
    reason: '网上认识的「对象」带您投资、充值的，是「杀猪盘」诈骗。' },
  { type: '虚假投资理财', risk: 'high', test: (t) => INVEST.test(t) && PAY.test(t),
    reason: '承诺高回报、稳赚不赔，又要您转钱入金的投资，都是诈骗。' },
  { type: '虚假投资理财', risk: 'medium', test: has(INVEST),
    reason: '「稳赚不赔、高回报、内幕消息」是投资诈骗的常用说法。' },
  { type: '冒充领导熟人', risk: 'high', test: (t) => /(我是你(的)?(领导|老板|朋友|同学|儿子|女儿|孙子|孙女|外孙)|换了?新号|新号码|新微信|我是.{0,3}(局长|主任|书记))/.test(t) && /(转账|借|急用|汇款|打钱|帮我付)/.test(t),
    reason: '自称领导、亲友，用新号码借钱或让您转账的，一定先打原来的电话或当面核实。' },
  { type: '养老诈骗', risk: 'high', test: (t) => PENSION.test(t) && (PAY.test(t) || /(投资|入股|高额返利|回报|预交|会员)/.test(t)),
    reason: '以养老项目、以房养老、保健品为名要您交钱、投资的，多是养老诈骗。' },
  { type: '养老诈骗', risk: 'medium', test: has(PENSION),
    reason: '免费体检、免费旅游、保健品讲座常是养老诈骗的开头。' },
  { type: '网络游戏虚假交易', risk: 'medium', test: has(/游戏.{0,10}(账号|装备|皮肤|点券|金币).{0,10}(买卖|交易|低价|解冻|出售)/),
    reason: '游戏账号、装备私下交易，常以「解冻费、保证金」骗钱。' },
  { type: '虚假购物服务', risk: 'medium', test: has(/(内部价|超低价|清仓|代购).{0,12}(加微信|私下|转账|扫码)/),
    reason: '低价商品要私下转账的，钱付了货不会来。' },
  { type: '索要验证码', risk: 'high', test: has(CODE_ASK),
    reason: '验证码谁要都不能给，给了别人就能转走您的钱。' },
  { type: '可疑链接', risk: 'medium', test: (t) => LINK.test(t) && /(点击|登录|领取|退款|激活|认证|升级|补贴|ETC|医保|社保|积分)/i.test(t),
    reason: '短信里让您点链接领补贴、办认证的，多是钓鱼网站。' },
  { type: '催促转账', risk: 'medium', test: (t) => /(转账|汇款|打钱|付款)/.test(t) && /(马上|立即|立刻|尽快|今天之内|否则|逾期|过期)/.test(t),
    reason: '催着您马上转账的，先停一停，问问家人。' },
];

const ADVICE: Record<FraudRisk, string> = {
  high: '这很可能是诈骗！请不要转账，不要点链接，不要说出验证码。已经转了钱，请马上拨打110报警；拿不准可以拨打反诈专线96110。',
  medium: '这条消息有诈骗的可能，请多加小心：不要急着转账或提供个人信息，先和家人商量，或拨打反诈专线96110咨询。',
  low: '没有发现明显的诈骗特征。但仍要记住：凡是要您转账、要验证码的，都先停一停，问问家人或拨打96110。',
};

export function checkFraud(text: string): FraudVerdict {
  const t = text.replace(/\s+/g, '');
  const hits = RULES.filter((r) => r.test(t));
  const risk: FraudRisk = hits.some((h) => h.risk === 'high') ? 'high' : hits.length > 0 ? 'medium' : 'low';
  // A high verdict explains itself with its high rules; medium hints would only add noise.
  const shown = risk === 'high' ? hits.filter((h) => h.risk === 'high') : hits;
  return {
    risk,
    types: [...new Set(shown.map((h) => h.type))],
    reasons: [...new Set(shown.map((h) => h.reason))],
    advice: ADVICE[risk],
  };
}
