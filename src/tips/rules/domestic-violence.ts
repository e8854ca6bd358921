// Domestic violence (家庭暴力, 反家庭暴力法) told by the one it happens to or by their family: a
// husband, wife, partner, in-law, son or daughter, parent, step-parent, sibling or carer who hits,
// beats, locks up, starves or threatens to kill the writer (or the writer's mother, child…), or
// 家暴 named outright. The emergency detector (emergency.ts) hears danger happening now and, by
// design, not what is habitual (天天, 经常, 总是): for violence at home that is the wrong way round,
// since what keeps happening is what the police's 告诫书 and a court's 人身安全保护令 are for, and
// the next beating may come tonight. So the bot answers such a telling even when it is habitual,
// with the law's remedies, and a tip that tells it is graded red.
//
// Word rules over the compact text (plain-text.ts), built on who does what to whom: a relation
// (老公, 儿媳妇, 后妈, 保姆) as the one who acts, an act of violence, and the writer or their family
// right after it (打我, 打我妈, 打孩子). The everyday uses of 打 (打游戏, 打呼噜, 打电话给我妈,
// 打我手机) never have a person struck right after the verb; a memory (小时候), play (打打闹闹), a
// show (电视剧里), a hypothetical or something over (现在改好了) is not told as going on.
import { compactText, wordUnion } from './plain-text.js';
import { detectEmergency, type Emergency, type EmergencyClassifier } from './emergency.js';

const alt = (words: readonly string[]) => `(?:${words.join('|')})`;

// The writer, in the dialects of Sanming and beyond: 俺 (northern), 阮 (Min), 涯/𠊎 (Hakka).
const I = alt(['我', '俺', '阮', '涯', '𠊎', '咱']);
// Family words that need "my" in front to mean a relation (「有个男人」 is a stranger, 「我男人」 a husband).
const OWN = alt(['男人', '对象', '爸', '妈', '爹', '娘(?!家)', '哥', '弟', '姐', '妹', '叔', '伯', '舅', '姑', '姨', '翁', '囝', '屋里的', '屋里人']);
// Partners, children and their spouses, in-laws: may also stop the writer going out or eating.
const CLOSE = [
  '老公', '丈夫', '爱人', '老婆', '媳妇', '妻子', '婆娘', '男朋友', '男友', '女朋友', '女友', '前夫', '前妻', '前男友', '前女友', '未婚夫',
  '老伴', '老头子', '老太婆', '那口子', '两口子', '小两口', '当家的', '孩子(?:他|她)(?:爸|妈)', '娃(?:他|她)(?:爸|妈)',
  '儿子', '女儿', '闺女', '儿媳妇?', '新妇', '女婿', '孙子', '孙女', '外孙女?', '继子', '养子',
  '公公', '婆婆', '家婆', '家公', '家官', '岳父', '岳母', '丈母娘', '老丈人', '小叔子', '大伯子', '小姑子', '嫂子', '弟媳',
  '保姆', '护工',
];
// Parents, grandparents, siblings: the writer is often a child, and 「我妈不让我出门」 is not abuse.
const ELDERS = [
  '爸爸', '老爸', '父亲', '妈妈', '老妈', '母亲', '阿爸', '阿母', '阿妈', '老爹', '老汉', '继父', '继母', '后爸', '后妈', '后爹', '后娘', '养父', '养母',
  '爷爷', '奶奶', '外公', '外婆', '哥哥', '弟弟', '姐姐', '妹妹', '姐夫', '妹夫', '家里人', '家人', '亲戚',
];
const OWNED = `${I}(?:家|们家)?(?:的)?${OWN}`;
const CLOSE_REL = alt([...CLOSE, `${I}(?:家|们家)?(?:的)?${alt(['男人', '对象', '翁', '囝', '屋里的', '屋里人'])}`]);
// 孩子经常被他爸打: a relation of someone just named; never the oath 他妈的.
const THEIRS = `(?:他|她)${alt(['爸', '妈(?!的|逼|个)', '爹', '娘(?!家)', '哥', '姐', '弟', '妹'])}`;
const REL = alt([...CLOSE, ...ELDERS, OWNED, THEIRS]);
// The relation as the one who acts, not the one acted on (民警带我弟去问话…, 把我爸按在地上, 打我老公的人).
const NOT_OBJECT = `(?<!(?:带|把|让|叫|找|送|接|陪|帮|替|给|对|打|骂|抓|拉|拖|押|请|喊|跟|和)(?:着|了)?(?:${I}|他|她)?(?:的)?)`;
const ACTOR = `${NOT_OBJECT}${REL}`;
const CLOSE_ACTOR = `${NOT_OBJECT}${CLOSE_REL}`;

// The one struck, right after the act: the writer, their family, a child or an old person at home.
const FAMILY = alt([
  '妈妈?', '老妈', '母亲', '爸爸?', '老爸', '父亲', '孩子', '小孩', '儿子', '女儿', '闺女', '娃', '宝宝', '奶奶', '爷爷', '外婆', '外公', '婆婆', '公公',
  '老婆', '媳妇', '老伴', '老公', '姐姐?', '妹妹?', '弟弟?', '哥哥?', '阿母', '阿妈', '阿嬷', '阿公', '阿爸',
]);
const VICTIM = alt([
  `${I}(?:们)?(?:的)?${FAMILY}?`, '孩子', '小孩', '娃娃?', '宝宝', '老人', '老太太', '老头', '老婆', '媳妇', '妻子', '老伴', '妈妈', '老妈', '阿母', '阿妈', '阿嬷',
  '奶奶', '爷爷', '外婆', '外公', '母亲', '老母亲', '老父亲', '老子', '她', '他', '伊', '佢',
]);
// What follows a victim that makes the words not a blow: 打我电话, 打我的主意, 打我家的狗, 打他同学.
const NOT_STRUCK = `(?!们?${FAMILY}?(?:的?(?:电话|手机|微信|视频|号码|账号|通讯录|游戏|主意|招呼|钱|卡|烟|同学|同事|朋友|邻居)|家的?(?:狗|猫|鸡|鸭|门|窗)))`;
// Acts of violence done to someone.
const ACT = alt(['打', '揍', '捶', '踢', '踹', '掐', '扇', '抽', '殴打', '毒打', '暴打', '痛打', '抽打', '打骂', '推搡', '推倒', '砸', '虐待', '家暴']);
// Never after a denial (不打我, 从来没打过), nor after the writer as the one who acts (我就打他).
const NOT_DENIED = '(?<!不|没|没有|从不|从没|别|不会|不敢|不要|不准|不能|不许|舍不得)';
const NOT_BY_WRITER = `(?<!${I}(?:就|也|会|都|要|还|才|便|又|经常|天天|总是|老是|一直|常常|有时|偶尔|每次|就会|想|真想|就想|都想|恨不得|差点|忍不住)?)`;
// Who may stand between the relation and the act without making another the one who acts
// (「我儿子经常被同学打」, 「我儿子的同学打我」, 「儿子养的猫打我」).
const OTHERS = alt(['被', '同学', '同事', '老师', '邻居', '别人', '外人', '陌生人', '小偷', '老板', '领导', '朋友', '混混', '坏人', '有人', '那个人', '那人', '男的', '女的', '人家', '学生', '客人', '顾客', '司机', '猫', '狗', '宠物']);
const GAP = (max: number) => `(?:(?!${OTHERS}).){0,${max}}?`;
// A phone call, a game, a chore after a passive verb: 被老公打电话, 给我老公打牌.
const NOT_A_CHORE = '(?!了?.?(?:电话|手机|微信|视频|游戏|牌|麻将|球|工|针|卡|钱|款|招呼|车|扫|扰|算|扮|开|听|药|农药|扑克))';

const STRUCK = '(?:了|过|得)?';
const NOT_AN_ANIMAL = '(?<!(?:狗|猫|鸡|鸭|鹅|猪|牛|羊|兔|宠物|狗狗|猫咪)[^被挨给让遭]{0,6})';
const HIT = [
  // 老公经常打我, 儿媳妇天天打我, 爸喝醉了就打我妈, 保姆经常打他. The writer struck may follow
  // the writer named as a subject (「一看到我就打我」); anyone else may not (「我就打他」).
  `${ACTOR}${GAP(12)}${NOT_DENIED}(?:${ACT}${STRUCK}${I}(?!${FAMILY})${NOT_STRUCK}|${NOT_BY_WRITER}${ACT}${STRUCK}${VICTIM}${NOT_STRUCK})`,
  // A longer story: the relation named first, then 他/她 who does it.
  `${REL}.{0,60}?(?:他|她|伊|佢)(?!们)${GAP(10)}${NOT_DENIED}${ACT}${STRUCK}${VICTIM}${NOT_STRUCK}`,
  // 喝醉了就打人: in drink, whoever is near.
  `${ACTOR}${GAP(12)}(?:喝醉|喝多|喝了酒|喝酒|酒后|酒疯)${GAP(6)}${NOT_DENIED}${ACT}${STRUCK}人`,
  // 把我打得…, 把我妈打伤, 把我关在屋里.
  `${ACTOR}${GAP(12)}把${VICTIM}(?:往死里)?(?:${ACT}|反?锁|关|绑|捆)`,
  // 对我拳打脚踢, 冲我动手; and 动手 alone (经常动手, 一喝酒就动手).
  `${ACTOR}${GAP(12)}(?:(?:对|冲|朝)${VICTIM})?${NOT_DENIED}(?:动手(?!做|术|能力|弄|修|搞|干|帮|收拾|打扫|洗|织|包|烧)|动粗|施暴|拳打脚踢|大打出手|又打又骂)`,
  // 被老公打, 挨我爸打, 被她老公家暴, 被我儿子关在家里; never an animal (狗天天被我儿子打).
  `${NOT_AN_ANIMAL}(?:被|挨|给|让|遭)(?:到)?(?:${I}|她|他|伊|佢)?(?:的)?(?:家)?${REL}${GAP(8)}(?:${ACT}|反?锁|关|赶出)${NOT_A_CHORE}`,
];

// Kept from going out or from food: by a partner, a grown child, an in-law or a carer, or behind a
// lock. By a parent or a sibling only food, and told as lasting: 「我妈不让我出门」 is no abuse.
const NO_FOOD = `(?:不(?:让|准|许|给)${VICTIM}?(?:吃饭|饭吃|吃的|口饭|东西吃)|不给${VICTIM}?饭|饿着?${VICTIM})`;
const NOT_OUT = `不(?:让|准|许)${VICTIM}?(?:出门|出去(?!玩|逛|旅游|上网)|离开)`;
const KEPT_IN = [
  `${CLOSE_ACTOR}${GAP(12)}(?:${NO_FOOD}|${NOT_OUT})`,
  // 被关在家里不让出门: a lock and a door kept shut say it without a relation.
  `(?:被|给|把${VICTIM})(?:人)?反?(?:关|锁|囚禁)(?:在)?(?:家|屋|房|房间|卧室|屋子)(?:里)?.{0,10}不(?:让|准|许|给)${VICTIM}?(?:出门|出去|离开|出来)`,
];
const KEPT_IN_LASTING = `${ACTOR}${GAP(12)}${NO_FOOD}`;

// Threats to kill are said in jest too (「老婆说要打死我 因为我把她的口红弄断了」), so they count
// only told as lasting, in drink, with a weapon, or to keep the writer from leaving (敢离婚就打死我),
// and never beside a chore (再不写作业就打死你).
const THREAT = `${ACTOR}${GAP(12)}(?:要|会|就|想)?(?:打死|弄死|杀了|杀死|砍死|掐死|搞死|整死|烧死|捅死|砍了|宰了)${VICTIM}?`;
const COERCION = wordUnion(['(?:敢|要是|如果)(?:跟他|跟她)?(?:离婚|走|跑|报警|告|说出去|回娘家)']);
const CHORE = wordUnion(['作业', '考试', '成绩', '分数', '手机', '游戏', '零食', '口红', '减肥', '化妆品', '衣服', '包包']);

// 反家暴法 is the law's name, not a telling.
const NAMED = wordUnion(['(?<!反)家暴', '(?<!反)家庭暴力']);
// 没有家暴, 不是家暴 — but 「算不算家暴」 asks about it.
const DENIED_NAMED = wordUnion(['(?:没有|没|不是|(?<!算)不算|并非|从不|从来没有?|不存在)(?:过|什么)?(?:家暴|家庭暴力)', '(?:说|告|诬陷|污蔑|冤枉|举报)我(?:搞)?家暴']);
// 家暴 as a subject of talks and posters, not a telling.
const PUBLIC = wordUnion(['宣传', '讲座', '普法', '培训', '知识', '课堂', '竞赛', '征文', '活动', '海报', '标语', '演讲', '论文', '调研', '问卷', '研究']);

const HIT_RE = wordUnion(HIT);
const KEPT_IN_RE = wordUnion(KEPT_IN);
const KEPT_IN_LASTING_RE = new RegExp(KEPT_IN_LASTING, 'u');
const THREAT_RE = new RegExp(THREAT, 'u');

// Told as lasting or recurring.
const HABIT = wordUnion([
  '经常', '天天', '每天', '总是', '老是', '一直', '常常', '动不动', '三天两头', '隔三差五', '三不五时', '时不时', '每次', '每回', '好几次', '多次',
  '好多次', '成日', '成天', '整天', '逐工', '日日', '好几年', '好多年', '这么多年', '好几天', '一(?:喝|吵|生气|不顺心|输)',
]);
const AGAIN = wordUnion(['又', '还', '再']);
const IN_DRINK_OR_ARMED = wordUnion(['喝醉', '喝多', '喝了酒', '喝酒', '酒后', '酒疯', '刀', '斧头', '棍', '皮带', '扁担', '凳子', '农药']);

// Play, a show, a game, a dream, a joke: not a telling.
const NOT_TOLD = wordUnion([
  '打打闹闹', '打闹', '打情骂俏', '闹着玩', '逗(?:我|你|他|她)?玩', '(?<!不是|不像|没|没有)开玩笑', '打是(?:亲|疼)', '撒娇', '轻轻(?:地|的)?(?:打|拍)',
  '(?:动画片?|游戏|剧)里', '电视剧', '电影', '小说', '故事', '肚子里', '这部剧', '剧情', '女主(?!播|人|持)', '男主(?!播|人|持)', '王者', '吃鸡', '开黑', '游戏中', '枕头大战', '打雪仗', '水枪',
  '梦见', '梦到', '做梦', '噩梦', '表情包', '段子', '哈哈', 'hhh', '笑死',
]);
// A memory, something over, or a hypothetical: silenced unless it is also told as going on.
const MEMORY = wordUnion([
  '小时候', '细时候', '小的时候', '童年', '读书(?:的)?时', '上学(?:的)?时', '当年', '那年', '那时', '那会', '年轻(?:的)?时', '以前', '曾经', '去年', '前年',
  '(?:几|好几|十几|二十|三十|[0-9一二三四五六七八九十]+)年前', '多年前',
]);
const OVER = wordUnion([
  '(?:已经|后来)?(?:处理|解决|调解)(?:好|完)了', '改(?:好)?了', '不再(?:打|动手)', '(?:现在|已经|后来|早就)(?:都)?(?:不|没)(?:再)?(?:打|动手)(?:了)?',
  '离(?:了)?婚了', '分手了', '分开了', '去世了', '过世了',
]);
const HYPOTHETICAL = wordUnion(['假如', '假设', '如果', '万一']);
const GOING_ON = wordUnion([
  '至今', '到现在', '到今天', '仍然', '仍在', '依然', '照样', '越来越', '更(?:厉害|凶|狠|多|严重|过分)', '开始', '以来',
  '还(?:在|会|要|经常|天天|总是|老是|一直|动不动|打|揍|动手|把|关|锁)', '还是(?:经常|天天|总是|老是|一直|会|要|打|这样)', '又(?:打|揍|动手|开始|来|在|把|喝|关|锁)',
  '(?:最近|这几天|这段时间|这阵子|现在|如今)(?:也|又|还|经常|天天|总是|老是|每天|一直|动不动|更)',
]);

// A cue is quoted in the staff page's colour reason: a story told at length is cut short.
const CUE_CHARS = 24;
const quote = (m: RegExpExecArray) => Array.from(m[0]).slice(0, CUE_CHARS).join('');

/** The words that tell of domestic violence, as in the text, or undefined. Not whether it is told as going on. */
function abuseCue(t: string): string | undefined {
  const hit = HIT_RE.exec(t) ?? KEPT_IN_RE.exec(t);
  if (hit) return quote(hit);
  const lasting = HABIT.test(t);
  const kept = lasting ? KEPT_IN_LASTING_RE.exec(t) : null;
  if (kept) return quote(kept);
  const threat = THREAT_RE.exec(t);
  if (threat && !CHORE.test(t) && (lasting || IN_DRINK_OR_ARMED.test(t) || COERCION.test(t))) return quote(threat);
  const named = NAMED.exec(t);
  if (named && !DENIED_NAMED.test(t) && !PUBLIC.test(t)) return quote(named);
  return undefined;
}

/**
 * Domestic violence told as going on, whether or not happening now: the words that tell it
 * (for the staff page's colour reason), or undefined. Never a memory (小时候我爸经常打我), play,
 * a show, a hypothetical or something over, unless also told as going on (到现在还, 又开始).
 */
export function detectOngoingAbuse(text: string): string | undefined {
  const t = compactText(text);
  if (!t || NOT_TOLD.test(t)) return undefined;
  const cue = abuseCue(t);
  if (!cue) return undefined;
  const past = MEMORY.test(t) || OVER.test(t) || (HYPOTHETICAL.test(t) && !HABIT.test(t) && !AGAIN.test(t));
  return past && !GOING_ON.test(t) ? undefined : cue;
}

/**
 * A relation's threat to kill (「我老公说要打死我」), however it is told. Alone it is not a telling
 * (it is said in jest too); beside danger heard now it is violence at home.
 */
function threatAtHome(text: string): boolean {
  const t = compactText(text);
  return !!t && !NOT_TOLD.test(t) && !CHORE.test(t) && THREAT_RE.test(t);
}

/**
 * What the bot answers first, and what grades a tip red: someone in danger now (detectEmergency),
 * else domestic violence told as going on. Danger now at home (violence told as going on, or a
 * relation's threat to kill) keeps its number first and adds what the law offers
 * (`domesticViolence: 'now'`); told as going on it is answered with 110 for danger and the law's
 * remedies (`'ongoing'`): the police, who answer it, are 110.
 */
export function detectDanger(text: string, classifier?: EmergencyClassifier): Emergency | undefined {
  const now = detectEmergency(text, classifier);
  if (now) {
    const atHome = now.kind === 'police' && (detectOngoingAbuse(text) !== undefined || threatAtHome(text));
    return atHome ? { ...now, domesticViolence: 'now' } : now;
  }
  const cue = detectOngoingAbuse(text);
  return cue ? { kind: 'police', numbers: ['110'], injured: false, cue, domesticViolence: 'ongoing' } : undefined;
}
