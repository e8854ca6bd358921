// Someone may be in danger now: which number to call, said before anything else. The one
// detector for the bot's first line and for a tip's red grade.
//
// Errs towards answering: a number shown to someone who did not need it costs a line, a number
// missed can cost a life. The harmless uses of the same words (火锅, 抢购, 气死了, 爆炸新闻) are
// removed before matching, and a message that only asks about an emergency (知识, 演练, 要钱吗)
// or tells of one that is over (昨天…已经) is not one, unless it also says something is
// happening now or the second opinion is sure it is.
import { compactText, wordUnion } from './plain-text.js';

export type EmergencyKind = 'police' | 'fire' | 'medical' | 'traffic' | 'suicide';
export const EMERGENCY_KINDS: readonly EmergencyKind[] = ['police', 'fire', 'medical', 'traffic', 'suicide'];

export interface Emergency {
  kind: EmergencyKind;
  /** Numbers to call, the first one first: 122 and 120 for a crash. */
  numbers: string[];
  /** Also hurt: 120 is added to a police or fire emergency. */
  injured: boolean;
  /** The words that decided it, for the staff page's colour reason. */
  cue: string;
  /**
   * Domestic violence is told (domestic-violence.ts, detectDanger). `now`: danger now, answered as
   * any, with what the law offers after. `ongoing`: told as going on, not as happening now
   * (「我老公经常打我」): answered with the domestic-violence lines, 110 for danger in the first.
   */
  domesticViolence?: 'now' | 'ongoing';
  /** A child, an old person or another of the family missing now: 110, with what to tell the police. */
  missing?: true;
  /** A bomb or a suspicious object told: 110, and keep away from it (not 「躲起来，锁好门」). */
  object?: true;
  /** Someone hurt by another, already in hospital: 110, and keep the medical records (not 「锁好门」). */
  inHospital?: true;
}

// Kinds are tried in this order and the first with a cue decides: a crash with blood is
// traffic (122 and 120), a beating with blood is police (110 and 120).
const ORDER: readonly EmergencyKind[] = ['suicide', 'traffic', 'fire', 'police', 'medical'];

const VEHICLE = '((?<!救护|消防|警|停)车|汽车|货车|大车|小车|轿车|面包车|渣土车|三轮车?|摩托车?|电动车|电瓶车|出租车|公交车?|大巴|卡车|拖拉机|自行车|单车)';

// Not after someone shut the writer in (「他把我锁在房间里出不去了」): police's cues answer that.
const NOT_SHUT_IN = '(?<!(把(我|她|他|我们|孩子)|被(人|他|她|他们))(反)?(锁|关|扣|囚禁)(在|着|起来)?.{0,8})';

// A blow denied (「我老公从来不打我」, 「他没打我」); never a plea (别打我, 不要打我).
const DENIAL = '不|没|没有|不曾|不会|不敢|舍不得';
const NOT_DENIED = `(?<!${DENIAL})`;
// Livestock, fish and crops that died (「鱼都死了 没人管」, 「鸭子死了好多」) are a complaint, not a
// person's death wish.
const NOT_ANIMAL = '(?<!(?:鱼|鸡|鸭|鸭子|鹅|猪|牛|羊|狗|猫|兔|鸟|蜂|虾|蟹|蚕|苗|菜|树|花|草|庄稼|秧)[都全也]?)';
// The one struck right after 打: the writer or their family.
const STRUCK = '(我|我妈|我爸|我们|老婆|媳妇|妻子|孩子|小孩|老人)';
// People at work struck where they work (「家长在学校门口打老师」, 「家属在急诊科打医生」): not
// their telephone (「打医生的电话」).
const AT_WORK = '(医生|护士|大夫|老师|校长|班主任|学生|保安|司机|店员|收银员|服务员|快递员|外卖员|柜员|村干部|干部|工作人员|城管|民警|辅警|环卫工)(?!的?(电话|手机))';

// A bomb, or an object left that may be one: police's cues, answered with 110 and to keep away.
const OBJECT_WORDS = [
  '炸弹', '炸药', '爆炸物', '雷管', '(可疑|不明)(的)?(包裹|包|箱子|物品|东西|袋子|快递|物体|盒子)',
  '(包|包裹|箱子|袋子|盒子|东西)[^,，。]{0,10}(滴答|嘀嗒|冒烟|露(出)?(着)?电线)',
];

const CUES: Readonly<Record<EmergencyKind, readonly string[]>> = {
  suicide: [
    '攒够', '全部吃掉', '对不起大家', '下辈子', '(东西|钱|账号).{0,8}送给', '用不(到|上)了', '(如果|要是)我消失', '(刀|刀片).{0,4}(在手边|在枕头下|藏在)', '划下去',
    '我已经割', `${NOT_ANIMAL}死了(好(?![多几些大])|算了|干净)`, '我在楼顶', '不要(来)?找(我|他|她)', '栏杆外', '去天堂', '明天的太阳', '不痛的死法', '怎么死', '去找(爷爷|奶奶|外婆|外公|妈妈|爸爸)', '解脱',
    '故意的', '不如(去)?死', '(过了|今晚).{0,6}(不在了|就走)', '我就不在', '(留|写)(了)?(纸条|遗书|信)', '(写好|留好)(了)?.{0,8}信', '准备好了.{0,8}今晚', '(水边|河边|江边).{0,6}(走进去|跳)',
    '大桥上.{0,10}水', '走了(你们|我们)就', '走进去', '(吞|吃)了.{0,6}(安眠药|一大?把.{0,6}药|一整?瓶.{0,6}药|[0-9十百]+片)', '百草枯', '想(不开|轻生)',
    '自杀', '轻生', '寻死', '不想活(?!动)', '活不下去', '活不成了', '活够了', '活着(没|没有)(意思|意义|盼头)', '活着(太|好|真)累', '不如死了', '死了算了',
    '(我|他|她|妈|爸)想(去)?死', '(想|要)去死', '(说|喊)(着)?(要|想)死', '(拿|带)(着)?绳子', '(不想|不愿)(再)?拖累', '拖累(你们|家里|大家|孩子)', '(想|在想|要)怎么死',
    '一死了之', '一了百了', '了结(自己|生命|此生)', '结束(自己|生命|我的生命)',
    '跳楼', '跳河', '跳江', '跳桥', '跳水库', '跳下去', '割腕', '割脉', '上吊', '不想(再)?醒', '再也不(会)?醒', '遗书', '遗言', '永别', '各位再见',
    '再见了', '下辈子再见', '离开这个世界', '(这辈子|这一生|一辈子)就这样(吧|了)', '(我)?消失(了)?.{0,10}(更好|轻松|开心)', '累赘',
    '(站|坐|爬|蹲)(在|上|到)?(了)?(楼顶|天台|桥上|桥边|栏杆外|窗台)', '(去|在去|走到)(楼顶|天台)', '(桥上|江边|河边).{0,12}(往下看|徘徊|脱鞋|鞋)',
    '交代(了)?(后事|我.{0,6}照顾)', '烧炭(自杀|了结)', '最后一(条|次|个|句)(消息|聊天|电话|朋友圈|话)', '这是最后', '没有痛苦的地方', '托付给', '用不上了',
    '见不到我', '不会再(有人)?(麻烦|拖累|欺负)', '(对不起|妈|爸|再见|永别)[^,，]{0,6}我走了', '我(就)?走了$', '撑不下去', '没脸(活|见)', '死给(我|你|他|她)看',
    '(抵|架|割|划)(着|在|了)?(自己|手腕|脖子)', '(刀片|绳子|炭|药|安眠药|农药)(已经|都|也)?(准备好|买好|挂好|买了|备好)', '(门窗|窗户|门缝)(也|都)?(封好|封死|堵上)',
    '(药|安眠药)?(全|都)吞', '连死都', '活着.{0,8}(负担|添麻烦|多余)', '没(有)?人在乎我', `(消失|${NOT_ANIMAL}死)了(都)?(也)?(不会有人|没人)`, '(想|要)?走(下去|进水里|进河里)',
    '撞上去', '去陪(她|他|我)?(的)?(儿子|女儿|老伴|老公|妈|爸|孩子)', '谢谢大家(这些年|一直)', '(以后)?就靠你了', '照顾好(外婆|外公|奶奶|爷爷|我妈|妈妈|爸爸|孩子|家人|自己)',
    '银行卡密码是', '(爬|站|坐|挂|翻)(到|在|出)?(了)?(阳台|窗户|窗台)外(面)?', '窗边站', '托付', '就跳', '道别', '谢谢(你|大家)(一直|这些年)',
    '再见.{0,6}(不接|打不通|关机|不回)', '(堤坝|大坝|桥)上.{0,8}(哭|站|要)', '(六|七|八|九|十|十几|二十)楼(应该)?够高', '不想拖', '我要跳了$', '(药|安眠药)(都|全)(吃|吞)了',
    '(如果|要是)我(死|走|不在)了', '我(死|走)了(也好|更好|就好)', '(不会有人|没人会?)(找到|发现)我', '(吃|吞)多少(片|粒|颗)',
    '(密码|存款|银行卡).{0,8}(留给|转给|写在|交给)', '该交代的', '(药|安眠药|安定)(都)?(存|攒)(了|够)', '(这辈子|这一生|一辈子|人生)就到这',
  ],
  traffic: [
    '撞飞', '被撞倒', '撞到人', '冲进.{0,6}(队伍|人群)', '连环撞', '夹在中间', '翻(到|进)(路边|沟|田)',
    '车祸', '交通事故', '撞人', '撞(了|到|倒|伤|飞){1,2}(一个|个|一位)?(人|行人|老人|小孩|孩子|阿姨|大爷|骑)', `${VEHICLE}.{0,12}(撞|刮倒|刮到|碾|压到|压住|翻|追尾|相撞|摔|顶倒|怼)`, '躺在(路|马路|公路)(中间|上)',
    `(撞|刮|碾|压)(了|到|倒)?.{0,4}${VEHICLE}`, `${VEHICLE}.{0,8}(冲下|冲出|掉下|滚下|坠)`, '对撞', '相撞', '追尾', '翻车', '侧翻', '肇事', '逃逸',
    '车头(都)?(瘪|变形|撞烂|烂)', `${VEHICLE}.{0,6}(卡|困)`, '撞死(了)?(一个)?人',
  ],
  fire: [
    '着伙', '火火', '(罐|罐口|管道|管子|阀门).{0,2}着(了|火)', '火越来越(高|大)', '里面在烧', '引着', '烧到(了)?(山|林|杉木林|房子|隔壁)', '泄漏', '(氨气|毒气|有毒气体|液氯)',
    '冒好多气', '反锁在.{0,6}(热水器|火|烟)', '发大水', '洪水', '水(已经)?(到|淹到|涨到|漫到)(了)?(二楼|一楼|腰|胸口|脖子|膝盖)', '(水|溪水|河水|江水)(还在|越来越)?涨',
    '被水(围|困|冲)', '派船', '车顶上', '扑腾', '一(下)?沉一(下)?浮', '粪池', '倒在里面', '(车里|车上)(还有)?(孩子|小孩|婴儿|宝宝)', '(路|山)(被)?冲(断|垮)', '掉石头',
    '落石',
    '着火', '起火', '失火', '火灾', '火情', '烧起来', '烧着了', '燃起来', '冒(出|起)?(了)?(好多|很多|大量|滚滚|一股)?(的)?(黑|浓|白)?烟', '(黑|浓)烟',
    '(全是|都是|好多|很多|满屋|一屋子|满楼道)(的)?烟', '烟(很|好|太)大', '烟雾', '烧焦', '焦(糊)?味', '烟感', '(门|门把手|把手)(是|都)?(烫|热)的',
    '火(很|好|太)大', '火势', '火光', '大火', '明火', '火苗', '(房子|屋|楼|厨房|车|店|厂|山)(烧|着)(了|起来)', '放火', '纵火',
    '(煤气|燃气|天然气|液化气|煤气罐|液化气罐)[^费]{0,8}(漏|泄|味|臭|爆|嘶嘶)', '闻到(一股)?(煤气|燃气|天然气|液化气)', '漏气', '爆炸', '(?<!要)炸(了|开)',
    '被困', '困(在|住)(了)?(电梯|楼|屋|房|车|水|山|井|洞|里|火|烟)', '困住了', `${NOT_SHUT_IN}出不来`, '锁在车(里|上)', '自燃', '火越来越大', '(好大|好多|很大|很多)的?烟', '(呲呲|嘶嘶)',
    '全是(气味|煤气味|燃气味|气)', `${NOT_SHUT_IN}出不去`,
    // Earthquakes and landslides are the fire and rescue service's (119), as floods and 泥石流 are.
    '地震(了|啦|啊|呀)(?!吗|么|没|吧)', '地震.{0,2}(快跑|快逃)', '滑坡',
    '(燃气灶|煤气灶|燃气|煤气)(的)?(管子|软管|管道)(断|破|裂|掉)', '电梯.{0,10}(掉|坠|卡住)', '下水(了)?没(起来|上来)',
    '(掉|落|跌)(进|到)?(了)?(老井|井|粪池|粪坑|化粪池|深坑|坑)', '拉不上来', '下不来', '关在电梯', '电梯(里)?(卡|停|坠|掉)', '落水', '溺水',
    '(掉|摔|滑|冲|翻|栽|跌)(进|到|下|落)?(了)?(河|水|塘|池|井|江|湖|水库|海|沟)',
    '(河|江|水库|塘|水)里(还)?(有人|漂)', '(没|没有)(浮)?上来', '(没|冇|没有)(看到|见)?(浮|冒)(起来|上来|出来|头)', '被水冲走', '冲走了', '沉下去', '淹(没|到|着)', '山洪', '泥石流', '塌方', '坍塌',
    '(塌|垮)(下来|了)', '压(到|住|在)(了)?.{0,8}(人|下面|底下|里面)', '埋(了|住)', '里面(还)?有人',
    '(山|林|爬山|登山|野外|进山).{0,24}(迷路|找不到(来的|回去的|下山的)?路|走不出)', '迷路.{0,12}(山|林|天黑)', '(?<![0-9a-z])119(?![0-9a-z])',
    '(身上|衣服|头发)(上)?(有|着)(了)?火', '一团火', '(罐|罐子|储罐|管道|槽车)(在|一直)?漏',
    '(消防车|消防员)(呢|还没|怎么还|到哪|什么时候到|进不来)', '火警(铃|警报)?(一直|在)?响', '(山|林|进山|上山).{0,16}(没回来|没下来|联系不上)',
  ],
  police: [
    '(弄|拧|撬|砸|踹|踢|敲)(我家)?(的)?(门锁|锁)', '(窗户|门|锁)被撬', '被撬开', '(孙仔|孙子|孩子|小孩|宝宝|女儿|儿子|娃|闺女|孙女|细汉).{0,4}(唔见|冇了|没了)',
    '(牵|抱|拉|带)(着)?(走|上)(了)?(一辆)?', '抢小孩', '拐小孩', '(不给|不交).{0,10}(就|别想)', '泼汽油', '烧死', '要(我|你|他|她)的命', '刀(顶|抵|架)',
    '见人就(踹|打|砍)', '打得满(嘴|脸)', '拖进', '乱摸', '(扣|关|锁)(着|在).{0,6}(不让|出不来|房间)', '被锁在', '围住', '勒索', '按在地上', '(屋里|家里)进(了)?人',
    '跟踪', '(跟着?我|跟我)进(了)?', '站在(我家)?门口不走', '求饶', '剪刀', '乱砍', '柴刀', '砍刀', '推倒', '踢(我|人|他|她)', '打人啦', '巴掌', '抓着.{0,6}不放',
    '杀人', '杀了(我|你|他|她)', '要杀', '砍人', '砍(我|他|她|伤|死)', '(拿|持|举|提|动|掏|拔|抽|挥)(着)?(一把|把)?(刀|菜刀|砍刀|斧头|棍子|铁棍|钢管|枪)',
    '刀架', '捅(人|了|伤|我|他|她)', '行凶', '持械', '开枪', '有枪', '(打|弄|掐|勒|捅|砍)死', '往死里打', '打得(好|很|太)?(凶|狠|厉害)',
    '(在|又在|正在)打(人|我|她|他|伊|架|老婆|孩子|小孩)', '打起来了', '打群架', '群殴', '斗殴', '围殴', '围着.{0,6}打', '(被|挨)(人)?打',
    `${NOT_DENIED}打${STRUCK}`, `${NOT_DENIED}打${AT_WORK}`, `把${AT_WORK}.{0,4}打(了|伤|倒)`, '(?<!不|没|没有|不是|不算)家暴', `(老公|丈夫|男人|老婆|儿子|前夫|男朋友|伊哥|他爸)[^好]{0,6}${NOT_DENIED}打`,
    '绑架', '劫持', '绑走', '拐(走|卖|骗)', '被拐', '抱走', '(拉|拖|拽|抱|推|塞)(上|进)(了)?(一辆)?.{0,6}车', '(强行|硬|强)(带走|拉走|拖走|拉)',
    '(孩子|小孩|宝宝|女儿|儿子|娃|闺女)(不见|丢|找不到|走丢)', '撕票', '绑(在|着|了)', '(往|到)(车|面包车)(上|里)(拖|塞|拉)', '(扯|拽|揪)(着)?(她|我|他)?(的)?头发', '拉走', '动手动脚',
    '(一直|一路)(在)?(我)?(后面)?(慢慢)?跟', '跟(着|在)(我)?(后面|身后)', '守着', '刀子', '匕首', '(掏|拿|拔)出(了)?(刀|刀子|匕首|枪)', '砸(啤酒瓶|东西|车窗|玻璃|电视|店)',
    '把.{0,6}(也)?打了',
    '(在|还在)闹', '(推|撬|拉).{0,4}(窗|门)', '(敲|拍)车窗', '(要|说要)(过来)?杀', '(拿|对着).{0,6}(啤酒瓶|瓶子|砖头|石头)', '抢车', '传销窝点', '(喊|说|扬言)要?放火', '(喊|说)要炸',
    '抢劫', '抢钱', '抢(我|他|她|了)', '被抢', '抢走', '入室', '进(了)?贼', '有贼',
     '(砸|踹|踢|撞|敲|拧)(我家)?(的)?(门|窗)', '门把手', '闯进', '(翻|跳|爬)(墙|窗)(进|入)', '有人(一直)?跟着(我|她|他)', '不认识的人', '陌生(男|女)?人',
    '关(在|起来)', '不让(我)?(走|出去|离开|下车)', '(锁|关)(了)?车门', '藏(了)?(一个)?人', '囚禁', '拘禁', '不(往|按).{0,8}开', '往(山里|偏僻)',
    '强奸', '猥亵', '性侵', '威胁要?(杀|砍|弄死|打死|报复|炸)', '扬言要?(杀|砍|弄死|打死|报复|炸|放火)', '报复社会', '同归于尽', '投毒',
    '掐(我|她|他|住|着)', '(报|抱)(警|jing)', '跟踪(我|我们)', '堵(着|在)(我|门口)', '(好|很|非常)害怕', '不敢(出声|下车|出去|回家|动)', '躲(在|到)', '(?<![0-9a-z])110(?![0-9a-z])', '报警',
    '抢(银行|金店|商店|超市|加油站)', '不.{0,10}就把.{0,8}(视频|照片|裸照)', '(警察|警车|民警)(呢|还没|怎么还|到哪|什么时候到)',
    '(他|她|伊|佢|对方|那(个)?人|有人|男的|女的|他们|歹徒|劫匪|手上|手里|身上)(手上|手里|身上|还|都)?(有|带(着|了)?|藏(着|了)?)(一)?把?(刀|枪)(?![疤工法削鱼])',
    '被(人|他|她|伊|佢|他们)?砍', '被(人|他|她|伊|佢|他们)?(威胁|恐吓)',
    '(有人|两个人|一群人|几个人|一帮人|两伙人|两帮人|好多人|他们|两家人|外面|楼下|门口|路上|街上|店里|隔壁|对面)(在)?(打架|打起来)',
    '有人(在)?(后面)?追(我|着我)', '(一直|在后面|后面有人)追(我|着我)', '追着?(我|人)(打|砍|杀)', '被(人)?追(着)?(打|砍|杀)', '被人追',
    '出(了)?人命', '死人(了|啦|啊)', '有人死(了|啦)', '(骗|拉|带|关|困)(到|进|去|在)(了)?传销',
    '要(放火)?烧(了|掉)?(我|你|他|她|我们)?(家)?(的)?(房子|屋|厝|店)',
    '(有人|有个人|有贼|小偷|贼|几个人|两个人|一伙人|有个男的|有个女的|那个人|他们)(在|正在|又在|还在)?偷(东西|车|电动车|电瓶车?|电缆|摩托车?|牛|猪|鸡|鸭|钱|手机|包|钱包|我|隔壁)',
    // Pinyin typed in a hurry: 我被(人)打了, 有人打我, 报警.
    '(?<![a-z])wobei(ren)?da(le)?(?![a-z])', '(?<![a-z])youren(zai)?da(wo|ren)', '(?<![a-z])baojing',
    ...OBJECT_WORDS,
  ],
  medical: [
    '(叫|喊)(唔|不|无)(醒|应)', '叫伊无应', '呼吸(好|很)?(弱|慢)', '说话(含糊|不利索)', '讲不出话', '不会讲话', '(手|脚)(抬不起来|发麻)', '楼梯(上)?(滚|摔)下来',
    '头破(了)?', '迷糊', '(蜂|黄蜂|马蜂)蛰', '(脸|眼|嘴)(都)?肿', '倒在(路边|浴室|地上|灶边|厕所|卫生间|路上|田里)', '一动不动', '吐血', '(狗|猫)咬', '肉(都)?翻',
    '头(痛|疼)得', '(头|头壳)(一)?歪', '不出声', '心跳(好|很)?快', '打鼾一样', '泡沫', '(窗户|楼上|阳台)(上)?掉下来', '哭都不哭', '河豚', '舌头.{0,4}麻', '头孢', '心慌',
    '产妇', '出血(好多|不止)', '生在车上', '脐带', '降糖药', '一身(冷)?汗', '(发|在)抖', '迷迷糊糊', '高压电', '触电', '被电(打|到|击)', '绞进', '骨头(都)?露',
    '脸色(发灰|发紫|很差)', '不怎么喘气', '一直抽', '眼睛斜', '跋倒', '栽倒', '只会哼', '身上(好|很)烫',
    '(他|她|人|孩子|宝宝)不动了', '晕倒', '昏倒', '晕(过去|到|了)', '昏过去', '昏迷', '不省人事', '叫不醒', '喊不醒', '(叫|喊)(她|他)?不(太)?醒', '(没|没有|毫无)(反应|意识|知觉)',
    '倒(在)?地', '倒下(了|去)', '(没|没有|停止)(了)?(呼吸|心跳|气了)', '呼吸困难', '喘不(上|过)气', '上不来气', '(脸|嘴唇|嘴)(都|已经)?(发)?(紫|青)',
    '心脏骤停', '心梗', '心脏病(发|犯)', '胸口(剧)?(痛|疼|闷)', '中(风|疯)', '脑梗', '脑出血', '嘴(巴)?歪', '(一边|半边|一侧)(身子?|手|脚)?.{0,2}(没力|无力|麻|动不了|没知觉)',
    '说话.{0,4}不(清|清楚)', '抽(搐|蓄|风)', '口吐白沫', '癫痫', '羊癫疯', '(眼睛)?(往上)?翻白眼', '眼睛往上翻',
    '血(一直|还)?(流|止)(不住|不停)', '(一直|不停)(在)?(流|出)血', '大出血', '(好多|很多|一地|满身|满脸|全身|满头)(的)?血', '流了(好多|很多|一地)血', '血流',
    '(伤口|口子)(很|好|特别)?深', '胸口(好|很)?(痛|疼|闷)', '冷汗', '(咳|吐)不出', '脸(憋|涨)得(通红|发紫)', '(吃|吞)(了|下)?.{0,6}(好几粒|几颗|纽扣电池|电池|凝珠|药片)',
    '野生菌', '菌子', '(全家|都在)(吐|呕吐)',
    '呼吸(好|很)?(急|困难|呼呼)', '嘴(巴|唇)(都)?(乌|紫|青|肿)', '喘不(过来|上来)', '呛水', '脸色(发白|苍白|发青)', '哭不出', '看不清.{0,6}(头痛|头疼|吐)',
    '头(好|很)?(痛|疼).{0,4}吐', '含含糊糊', '含糊不清', '(肿|肿起来)了?.{0,6}(透不过气|喘|呼吸)', '透不过气',
    '(梯子|楼梯|屋顶|阳台|树上|楼上|二楼|三楼|脚手架)(上)?(摔|掉|跌)(下来|下去)', '(后脑勺|头)着地', '头晕(呕吐|想吐)', '站不稳', '戳(进|到|伤)(眼睛|喉咙)', '(不能|不会)动',
    '(痛|疼)得(打滚|受不了|直不起)', '中暑', '说胡话', '叫也不应', '开水', '烫(伤|到)', '烧伤', '血(喷|涌|哗哗)',
    '(割|锯|切|砍|扎)(到|伤|断|穿)(了)?(手|腿|大腿|手指|脚|脖子|肚子)', '(一边|半边|一只)手.{0,4}(拿不住|没力|抬不起)', '(嘴角|嘴巴)(一直)?流口水', '中毒', '误服', '误食',
    '吃错(了)?药', '(一整|整|一)(板|瓶|盒|把)', '(毒|野)蘑菇',
    '(喝|吃|食|吞|舔)(了)?.{0,10}(农药|洗衣液|消毒液|老鼠药|鼠药|洗洁精|漂白|杀虫剂|电池|敌敌畏|百草枯)', '(农药|洗衣液|消毒液|老鼠药|鼠药).{0,10}(喝|吃|吞)',
    '一氧化碳', '(烧炭|炭火|煤炉|炭盆).{0,12}(头晕|晕|想吐|呕吐|站不稳)', '休克', '噎(住|着)', '卡(住|在)?(了)?(喉咙|嗓子|气管)', '呛(住|到)', '窒息',
    '(被)?(毒)?蛇咬', '摔(倒|下来|下去)[^好]{0,8}(起不来|动不了|流血|没反应)', '(起|爬|站)不起来', '动不了', '骨折',
    '(高烧|发烧|烧到)[^好]{0,8}抽', '(?<![0-9a-z])120(?![0-9a-z])', '救护车', '快不行了', '生孩子', '要生了', '羊水', '见红', '怀孕.{0,10}(痛|疼|出血|流血)',
    '(吞|吃)(了|下|进)?.{0,6}(磁力珠|磁珠|硬币|纽扣)', '(不认识|认不出)(我|人)', '糊里糊涂',
    '(讲|说)(袂|唔)(清楚|出)', '(唔|袂)会讲', '(碗|饭碗|筷子|杯子)(也|都|就)?(拿不住|拿唔住|拿袂住|掉|落)', '(喙|嘴角|喙角)歪',
    '(蘑菇|菌子|野菌).{0,12}(吐|拉|晕|不舒服)', '哮喘(发作|犯)', '(喷雾|药).{0,8}(不管用|没用)', '人(快|已经)?不行了',
  ],
};

// Cries that say no more than that the writer is in danger or dying, tried after every kind's
// cue (another kind's cue says what is wrong): 「我要死了」 gets the suicide line (110, 120 and
// 12356: it may be either), 「我快死了」 120, a call for help or 「我很危险」 110. Unlike a cue of
// suicide, a cry is weighed like any other cue (the model may overrule it; asking, over, a story
// silence it), and beside a chore or a treat it is a figure of speech (FIGURE).
const CRIES: ReadonlyArray<{ kind: EmergencyKind; re: RegExp }> = [
  { kind: 'suicide', re: wordUnion(['我(真的)?要死了']) },
  { kind: 'medical', re: wordUnion(['我(真的)?快(要)?死了']) },
  {
    kind: 'police',
    re: wordUnion([
      '救命', '救救', '救我', '快来人', '来人啊', '来人阿', '呼救', '求救', '快救', '快派人', '快叫人', '帮帮我', '(?<![a-z])jiu(wo|ming)(a|ya)?(?![a-z])',
      '(我|我们|孩子|小孩|她|他|家人|有人)(现在)?(很|好|非常|特别|真的)?(有)?(生命)?危险(?![吗吧品性区驾])', '^有(生命)?危险(?![吗吧品性区驾])', '(?<![没无])有生命危险(?![吗吧])',
    ]),
  },
];

// An English cry, read with its spaces and case: 「help」 or 「sos」 with no other English than
// me, us, please, now… (「help me please 我在沙县」), or shouted (「HELP!!! someone is…」, 「help!」).
// Never help asked for in a sentence (「can you help me find…」, 「thanks for your help」): a
// foreigner asking how to use the account writes that.
const LATIN_CRY = /(?<![a-z])(help|sos)(?![a-z])/iu;
const LATIN_SHOUT = /(?<![A-Za-z])(HELP|SOS)(?![A-Za-z])|(?<![A-Za-z])(help|sos)\s*[!！]/u;
const LATIN_CRY_WORDS = /(?<![a-z])(help|sos|me|us|please|pls|plz|now|quick|quickly|someone|somebody|anyone|police)(?![a-z])/giu;

function latinCry(text: string): string | undefined {
  const m = LATIN_CRY.exec(text);
  if (!m) return undefined;
  // 「help」 written alone, unshouted, is how a foreigner asks for the account's menu (the
  // intents table's foreign speaker): the bilingual menu answers it, with 110 in it.
  if (/^\s*help\s*[.。]?\s*$/iu.test(text) && !/HELP/u.test(text)) return undefined;
  const alone = !/[a-z]/iu.test(text.replace(LATIN_CRY_WORDS, ''));
  return alone || LATIN_SHOUT.test(text) ? m[0].toLowerCase() : undefined;
}

// 🆘 is a symbol, which the compact text drops: read as the word.
const SOS_SIGN = /\u{1F198}/gu;

// Everyday uses of the same words: removed before matching.
const HARMLESS = wordUnion([
  '(短信|电话|信息|消息|邮件|微信|深水|糖衣|烟雾)炸弹', '炸弹(人|鱼|面包|糖|头|酒)', '(历史|课本|课文|抗战|打仗|董存瑞)[^,，。]{0,12}炸(药|弹|碉堡)', '火锅', '火爆', '火车', '火腿', '火柴', '上火', '发火', '火气', '恼火', '火速', '炸鸡', '炸串', '炸酱', '油炸', '炸薯条',
  '爆炸(新闻|性|头|式|款)', '信息爆炸', '(气|急)(得|的)?(我)?(要)?(爆炸|炸)(了)?', '(笑|累|气|热|冷|困|饿|烦|吓|羡慕|馋|忙|丑|尴尬|无聊|难受|美|帅|高兴|开心)(得|的|到)?(要)?(死|我)了',
  '(笑|累|气|热|冷|困|饿|烦|吓|忙|馋|多|难|难吃|难看)(得|的|到)(想|要)(死|报警)', '(烦|累|无聊|热|冷|冻|吓|笑|气|困|饿|忙|吵|挤|晒|闷|急|愁|贵|馋|臭|丑|难吃|难受|羡慕|麻烦|折腾|尴尬)死(人|我)', '想死你', '死机', '死循环', '该死的', '要死要活', '谁来杀了我',
  '杀价', '(被)?砍价', '杀毒', '秒杀', '杀青', '跳楼价', '跳楼甩卖', '抢购', '抢红包', '抢票', '抢单', '抢答', '抢位', '抢镜', '抢先', '抢手', '抢着', '救救我的', '救命稻草',
  '急救(知识|培训|课|包|箱|常识|技能)', '(消防|应急|逃生|地震|防火|疏散)(演习|演练|培训|知识|宣传|检查|通道|栓|设施|器材|站)', '110(周年|宣传|警察节)', '119(消防日|宣传|周年)',
  '120(周年|宣传)',
  '打.{0,2}电话', '打(球|牌|麻将|游戏|针|疫苗|卡|车|印|折|包|扫|工|字|听|招呼|呼噜|哈欠|喷嚏|酱油|官司|赌|扰)', '跳(舞|广场舞|槽|绳|远|高)', '晕车', '晕船', '晕机',
  '(电影|电视剧|游戏|小说|新闻|视频|短视频|动画)里', '剧里', '撞衫', '撞脸', '撞色', '撞单', '困意', '困了', '好困',
  '(太|好|超|真)炸', '心态炸', '(到|得)(我|人)?(要)?(快)?(爆炸|想死|要死|报警|中暑|喘不过气|吐血)', '像.{0,4}一样', '(价格|简直是?)抢钱', '(再|敢).{0,10}就(打死|弄死|杀了)我',
  '(掐死|打死)(我家)?(那|这)只', '躲猫猫', '玩具车', '(猫|狗|猫咪|狗狗|二哈|宠物|仓鼠|兔子|鸟|羊|牛|猪|鸡|鸭)[^人]{0,6}(下不来|困住|卡住|卡在|跳下去|被车撞|撞了|一动不动|走丢|不见了|走唔见|掉进|掉到)', '车里没人', '(烤红薯|烤过头|烤地瓜)',
  '(烧烤|烤串|烤地瓜|炉子|熏腊肉|烧垃圾|油烟)[^,，。]{0,8}(烟|味)(好|很|太)?(大|呛|臭)?', '炸毛', '炸裂',
  '救(救)?我(的)?(狗|老|小)命', '砍一刀', '眼皮(在|一直|直)?打架', '架子鼓', '追(求)?我的(人|男生|女生)',
  '有人(在)?追(求)?我.{0,10}(喜欢|表白|恋爱|答应|拒绝|开心|心动|约会)', '(迟早|早晚|会|再不|再这样|总有一天|非得)[\\p{Script=Han}]{0,10}?出人命',
  '(树|竹子|竹|木头|林子|森林|杉木|毛竹|松树|树木|预算|经费|项目|工资|奖金|福利|补贴|功能|需求|戏份)[\\p{Script=Han}]{0,6}?被(人)?砍',
  '(成绩|业绩|经济|质量|销量|收入|股价|断崖式|口碑|人气|颜值|状态|信誉)滑坡', '(山体)?(滑坡|泥石流|塌方|地质灾害|山洪)(预警|隐患|风险|监测|易发|多发|治理|工程|防治)',
  '(是不是|有没有|哪里|哪儿|好像是)(又)?地震', '(门禁|道闸|封控|隔离|下雪)[\\p{Script=Han}]{0,6}?出不去', '(车|车子|车位)[\\p{Script=Han}]{0,3}?(被)?(人|车)?(堵|挡)(住|着|了)[\\p{Script=Han}]{0,3}?出不去', '出不去(玩|逛|旅游)',
  '烟雾报警器', '烟感报警器', '跳楼机', '跳闸', '(车|摩托|电瓶).{0,6}打不着(火)?', '跳(下去|下水|进水里|水|河|江)(去)?救', '(防|预防|干预)自杀', '自杀(干预|预防)', '(气|饿|累|热|困|晒)晕', '(手机|钥匙|东西|钱包|鞋|帽子|眼镜)[^,，]{0,2}(掉|落)(进|到)?(了)?(河|水|井|沟|塘)',
]);

const HARMLESS_ALL = new RegExp(HARMLESS.source, 'gu');

// The message asks about emergencies, complains, or jokes: not someone in danger now.
const ASKING = wordUnion([
  '(怎么|怎样|如何)(预防|防止|避免|处理|应对|急救|逃生|灭火|报警)', '预防', '防范', '知识', '常识', '培训', '讲座', '宣传', '演练', '演习', '科普',
  '(要|需要|收)(钱|费)吗', '收不收费', '怎么收费', '多少钱', '管管', '反映', '投诉', '有没有人管', '谁管', '合理吗', '算不算', '凭什么', '不赔', '立案', '不处理', '(犯|违)法(吗|么|不)', '(有没有|是否|会不会|有无)被(处理|处罚|拘留|抓|判)',
  '谁来(刷|修|赔|管)', '(应该|该)怎么(处理|预防|避免|救|办理)', '怎么救',
  '安全课', '上课', '(躲|逃|跑|撤)(在|到|去)?哪', '撤离', '预案', '(能|可以)报警吗', '不是着火', '车里没人',
  '怎么(检查|查询|起诉|办理|报案)', '能不能(涂|用|报警)', '先干嘛', '(理赔|赔偿|鉴定|下来)(要|需要)?多久', '签什么', '回执', '不是紧急', '不用管', '原来是', '(出去|下去|过去|跑去|一)看(了)?(一下)?(是|原来)', '就没了', '要是真',
  '万一', '理赔', '真的假的', '是真的吗', '是假的', '假的吧', '会不会', '会唔会', '还能用吗',
  '建议', '提个', '电话(是)?多少', '号码(是)?多少', '(?<!不知道(该)?)(可以|能|应该|该)?找(谁|哪)', '咨询', '请问', '问问', '了解一下', '不急',
  '表彰', '英雄', '点赞', '感谢', '致敬', '周年', '提醒大家', '注意安全', '的时候(要不要|应该|该|能不能|可以)', '(应该|这样)(可以|没事|没问题|安全)吧', '危险(吗|不)', '有没有(生命)?危险', '会(有)?危险',
]);

// A story, a show or a joke: never someone in danger now, thoughts of suicide included.
const STORY = wordUnion([
  '这部剧', '女主(?!播|人|持)', '男主(?!播|人|持)', '剧情', '这局', '我的世界', '吃鸡', '王者', '排位', '狼人杀', '密室逃脱', '剧本杀', '开黑', '朋友圈说', '(?<!不是|不像|没|没有)开玩笑', '新闻', '报道', '听说', '据说', '电影', '电视剧', '小说', '游戏里',
  '梦见', '梦到', '做梦', '噩梦', '表情包', '广播里', '摆拍', '好可爱', '好好听', '太好笑', '哈哈', 'hhh', '笑死', '救人的', '(?<![得的])好厉害',
]);

// The message tells of an emergency that is over, or of something habitual.
const OVER = wordUnion([
  '上次', '上回', '去年', '前年', '上个月', '上星期', '上周', '小时候', '当年', '那年', '那次', '(处理|解决|调解)(完|好)', '已经(处理|解决|好了|没事|出院|灭了|结案|报过警)',
  '天天', '每天', '经常', '总是', '老是', '前几天', '前两天', '那个事', '那件事', '过一次', '以前(被|给)', '之前被', '差点', '还好(?!好)',
  '幸好', '(?<![不刚正])好在', '人都没事', '没什么事', '虚惊一场', '(?<!有)没(有)?(人)?受伤', '(咳|吐)出来了', '都好好的', '不碍事', '没(什么)?大碍', '已经(不|没)(流血|痛|疼)', '止住了', '劝开了',
  '细时候', '好彩', '冇事', '蹭破', '擦破', '找到了',
]);

// Whoever it was is safe now: over for thoughts of suicide too.
const RESOLVED = wordUnion(['好多了', '(现在|已经)(都)?好了', '没事了', '过得(挺|很|还)好', '劝(下来|回来)了', '救(上来|下来|回来)了']);

// Said with one of the above, these still mean now.
const NOW = wordUnion(['正在', '还在', '马上', '赶紧', '快来', '快点', '来不及', '求求', '怎么办怎么办', '(我|我们)(现在)?(该|要)怎么办']);

// A bare call for help about these is a figure of speech (救命 这道题怎么做).
// So is a cry beside a chore or a treat (明天体测 我要死了), a charity appeal (救救孩子 求转发 水滴筹),
// or a question about the account (help 怎么用).
const FIGURE = wordUnion([
  '题', '作业', '考试', '考研', '期末', '科目[一二三四]', '成绩', '论文', '学习', '天气', '难吃', '饭', '加班', '上班', '老板', 'ppt', '追剧', '减肥', '游戏', '头发', '秃', '穷', '月底', '工资',
  '体测', '八百米', '800米', '甲方', '熬夜', '开会', '开学', '上学', '周一', '跑步', '花呗', '还款', '辣', '好吃', '好看', '可爱', '帅',
  '筹', '捐', '转发', '爱心', '手术费', '医药费', '白血病', '怎么用', '菜单', '功能',
]);

// Only where or who (我家在三楼, 是个男的 穿黑衣服, 三十多岁): a detail, sent alone or after the
// danger was told, says no danger by itself; the model does not raise it where no cue matched.
// A run of digits is read whole (never split between parts): a long one would otherwise take
// the parts exponentially many ways to fail.
const DIGITS = '[0-9]+(?![0-9])';
const DETAIL_PARTS = [
  `(我|我们|我家|家|人)?(住)?(在|是)?[\\p{Script=Han}a-z]{0,10}?((${DIGITS}|[一二三四五六七八九十两]+)(楼|层|号楼?|栋|幢|单元|室)|小区|花园|新村|公寓|大厦|村|镇|乡|街道|社区|街|路|巷)(那边|这边|那里|这里|附近|一带)?`,
  DIGITS, '(是)?(一)?(个)?(男|女)(的|人|生)?', `(大概|大约)?(${DIGITS}|[一二三四五六七八九十]+)多?岁(左右)?`, '(个子|个头|身材)?(很|挺|比较|有点|不太)?(高|矮|胖|瘦|壮)',
  '(他|她)?(穿|戴|背)(着|了)?(一)?(件|顶|个|副)?[\\p{Script=Han}]{0,4}?(衣服|衣|裤子|裤|外套|帽子|帽|口罩|眼镜|鞋|包|卫衣|夹克|裙子)',
];
// Someone says they are to be killed: the model, which has seen few such threats beside many
// jokes about killing, never overrules these words (it may still hear them as over or asked).
const THREAT_TO_LIFE = wordUnion(['(要|想|来|就|会|说要|喊着?要|扬言要?)(杀|砍|砍死|弄死)(了)?(我|我们|我家|我全家|全家)', '(说|喊着?|扬言)要炸']);
// Someone at work struck where they work (「家长在学校门口打老师」, 「家属在急诊科打医生」,
// 「把护士打了」): the model has seen few of them beside many complaints about schools and
// hospitals, so it does not overrule these words (it may still hear them as over or asked); not
// one named by it (「打老师的那个家长」).
const STRUCK_AT_WORK = wordUnion([`${NOT_DENIED}打${AT_WORK}(?!的)`, `把${AT_WORK}.{0,4}打(了|伤|倒)`]);

// A blow or 家暴 denied and nothing else heard: the model's n-grams hear 老公…打我 whatever stands
// between, so it must be sure (overrule), not only past its threshold, to make it an emergency.
const BLOW_DENIED = wordUnion([`(${DENIAL})打(过)?${STRUCK}`, `(${DENIAL})(动手|家暴)`, '(不是|不算)家暴']);
// A spouse who left (「我老婆跟人跑了」, 「老公跑了」) with nothing else heard: the same n-grams
// (老婆, 老公…) that tell of abuse, so the model must be as sure as for a denied blow.
const SPOUSE_LEFT = wordUnion(['(老婆|媳妇|老公|丈夫|妻子)(跟(人|别人|别的男人|别的女人|野男人|野女人))?跑了']);

const DETAIL_ONLY = new RegExp(`^(?:${DETAIL_PARTS.join('|')})+$`, 'u');
const DETAIL_MAX_CHARS = 24;

const COMPILED = ORDER.map((kind) => ({ kind, re: wordUnion(CUES[kind]) }));

// Someone of the family missing now (「孩子放学到现在还没回家」, 「我爸有老年痴呆 早上出门到现在没回来」,
// 「我女儿三天没回家了」): police take it at once, no 24-hour wait. Gone for a while (「过年都没回家」) or
// a thing lost (「女儿的手机不见了」) is not this.
// A spouse out all night (「我老公昨晚没回家 肯定又去打牌了」) is not missing by those words alone.
const KIN = '(孩子|小孩|儿子|女儿|孙子|孙女|外孙女?|老人|老爸|老妈|我爸|我妈|父亲|母亲|爷爷|奶奶|外公|外婆|弟弟|妹妹|哥哥|姐姐)';
const SPOUSE = '(老伴|老公|老婆|丈夫|妻子|媳妇)';
const MISSING = wordUnion([
  `(${KIN}|${SPOUSE})(突然|又|就)?(走丢|走失|失踪|不见了|找不到了)`,
  `${KIN}.{0,16}(到现在|至今|一直|一晚上|一夜|整晚|昨晚|昨天|今天|早上|中午|下午|晚上|放学|出门|[一两二三四五几]天)(都|还|也)?(没|没有)(回家|回来)`,
]);
// A thing of the family lost (「女儿的手机不见了」), not one of them: the model, which hears 女儿 and
// 不见了 together as a missing child, does not raise it alone.
const LOST_THING = new RegExp(`(?:${KIN}|${SPOUSE}|我)的(手机|钱包|包|书包|自行车|电动车|摩托车|车|钥匙|证件|身份证|银行卡|户口本|钱|项链|手表|眼镜)[^,，。]{0,4}(不见|丢|找不到|被偷)`, 'u');
const OBJECT = wordUnion(OBJECT_WORDS);
// An object whose contents nobody knows: not a cue by itself (an unordered parcel is more often a
// scam), but when the police's help is needed anyway, the advice is to keep away from it.
const UNKNOWN_CONTENTS = /(包|包裹|箱子|袋子|盒子)[^,，。]{0,10}不知道(里面)?(装(的|了)?)?(是)?(什么|啥)/u;
// Hurt by someone and already in hospital: safe from them now, and the evidence is being made.
const AT_HOSPITAL = /(在|到|进|送|住)(了)?(医院|卫生院|急诊)(?!门口|门前|外面|旁边|附近|对面|楼下|停车场)/u;
const HURT_BY_SOMEONE = /(被|挨)(人|他|她|他们|对方)?(打|砍|捅|刺|踢|揍)|打(伤|进医院)|砍伤|捅伤/u;
const INJURED = wordUnion(['被(人)?(砍|捅)', '人命', '死人', '有人死', '受伤', '伤(了|到|者|得)', '流血', '出血', '血', '昏迷', '不省人事', '没反应', '没有反应', '起不来', '动不了', '骨折', '叫不醒', '没气', '没声音', '倒在', '倒地', '晕']);

function numbersFor(kind: EmergencyKind, injured: boolean): string[] {
  switch (kind) {
    case 'suicide': return ['110', '120', '12356'];
    // A crash reported as it happens: whether someone is hurt is often not yet known.
    case 'traffic': return ['122', '120'];
    case 'fire': return injured ? ['119', '120'] : ['119'];
    case 'police': return injured ? ['110', '120'] : ['110'];
    case 'medical': return ['120'];
  }
}

/** The text with the everyday uses of emergency words (火锅, 爆炸新闻, 笑死了) taken out. */
export function withoutHarmlessUses(compact: string): string {
  return compact.replace(HARMLESS_ALL, '');
}

/** The second opinion's reading of a whole sentence. */
export interface EmergencyGuess {
  /** The likeliest kind, were the text an emergency. */
  kind: EmergencyKind;
  /** How sure the model is that the text is an emergency at all. */
  probability: number;
  /** The probability of each kind (they and that of an ordinary message sum to 1). */
  kinds?: Readonly<Record<EmergencyKind, number>>;
}

/**
 * A second opinion from a model trained on examples (the bot's EmergencyModel), for sentences of
 * five characters or more. It raises what no cue names, and overrules a cue used in an everyday
 * sense when it is sure the sentence is ordinary (never a cue of suicide). Given `kinds`, it also
 * names the kind where a cue's kind is only a guess. The 'not now' checks apply either way.
 */
export interface EmergencyClassifier {
  classify(text: string): EmergencyGuess;
  /** From this probability of an emergency the model raises one where no cue matched. */
  readonly threshold: number;
  /** From this probability of an ordinary message the model overrules a cue. */
  readonly veto: number;
  /**
   * From this share of `probability`, the model's kind replaces a cue's: kinds are tried in a
   * fixed order and a cue of one often comes with another's emergency (「守着」 beside someone
   * collapsed, 「一瓶」 of pesticide to end a life). Never a cue of suicide. A model that names
   * medical keeps the cue's kind and adds 120: the cue's number is still needed. A cry of
   * suicide (「我要死了」) is not a cue of suicide: its kind may be replaced.
   */
  readonly kindOverride?: number;
  /**
   * From this probability of an emergency, the model overrules the words that say a message is
   * not one happening now (a question, a complaint, 每天, 还好, 听说): someone in danger often
   * asks or explains while telling it; and from it the model raises one where a blow is denied
   * and no cue matched (「我老公从来不打我」). Unset: never.
   */
  readonly overrule?: number;
}

const MODEL_MIN_CHARS = 5;
const VETO_MIN_CHARS = 7;

/** What someone in danger must be told first, or undefined when the text is not an emergency. */
export function detectEmergency(text: string, classifier?: EmergencyClassifier): Emergency | undefined {
  const read = text.replace(SOS_SIGN, ' sos ');
  const compact = compactText(read);
  const t = withoutHarmlessUses(compact);
  if (!t) return undefined;
  let found: { kind: EmergencyKind; cue: string; cry?: true } | undefined;
  for (const { kind, re } of COMPILED) {
    const m = re.exec(t);
    if (m) {
      found = { kind, cue: m[0] };
      break;
    }
  }
  if (!found && !FIGURE.test(compact)) {
    for (const { kind, re } of CRIES) {
      const m = re.exec(t);
      if (m) {
        found = { kind, cue: m[0], cry: true };
        break;
      }
    }
    const latin = found ? undefined : latinCry(read.normalize('NFKC'));
    if (latin) found = { kind: 'police', cue: latin, cry: true };
  }
  const missing = MISSING.exec(t)?.[0];
  if (missing && !found) found = { kind: 'police', cue: missing };
  const object = found?.kind === 'police' && OBJECT.test(t);
  // A cue of suicide is never overruled, asked about or over; a cry of any kind may be.
  const firm = found?.kind === 'suicide' && !found.cry;
  // The kind answered when the model names it in place of the cue's.
  let named: EmergencyKind | undefined;
  // How sure the model is that the text is an emergency, when asked.
  let sure: number | undefined;
  // A few characters give a sentence model too little to go on; short cries are the cues' work.
  if (classifier && t.length >= MODEL_MIN_CHARS) {
    const guess = classifier.classify(text);
    sure = guess.probability;
    // Never against thoughts of suicide: one missed costs more than any number of false alarms.
    // Nor against a cue in a short cry (「老公家暴 快」): too few words to tell it is not one.
    // Nor against someone told they are to be killed (「救命啊有人要杀我」), unless beside a
    // chore (这道题要杀了我); nor is that made another kind than the cue's, but for adding 120
    // (「我儿子说今晚回来就杀了我」 is not thoughts of suicide).
    // Nor against someone missing; and that is not made thoughts of suicide (the model hears
    // 没回家, 打不通 in farewells), though a search in the hills may be 119's. Nor against a bomb
    // or a suspicious object (the model has learnt none), which stays the police's (the model
    // hears 炸 as a fire's).
    const threat = THREAT_TO_LIFE.test(t) && !FIGURE.test(compact);
    const atWork = found?.kind === 'police' && STRUCK_AT_WORK.test(t);
    if (found && !firm && !threat && !missing && !object && !atWork && t.length >= VETO_MIN_CHARS && 1 - guess.probability >= classifier.veto) return undefined;
    if (!found) {
      const notForModelAlone = (t.length <= DETAIL_MAX_CHARS && DETAIL_ONLY.test(t)) || LOST_THING.test(t);
      const needed = BLOW_DENIED.test(t) || SPOUSE_LEFT.test(t) ? classifier.overrule ?? Infinity : classifier.threshold;
      if (guess.probability >= needed && !notForModelAlone) found = { kind: guess.kind, cue: '（按整句判断）' };
    } else if (!firm && !object && guess.kind !== found.kind && (!threat || guess.kind === 'medical') && !(missing && guess.kind === 'suicide') && guess.kinds
      && guess.kinds[guess.kind] >= (classifier.kindOverride ?? Infinity) * guess.probability) {
      named = guess.kind;
    }
  }
  if (!found) return undefined;
  // Read before the harmless uses are taken out: 「电视剧里」 and 「消防演练」 say what the message is about.
  // Thoughts of suicide are answered even when asked about or habitual: only a story, or someone
  // safe now (好多了, 劝下来了), is not one. Decided by what matched, not by the kind the model
  // names: that a past overdose reads like thoughts of suicide does not make it one happening now.
  // Someone in danger often asks or explains while telling it (「请问 我儿子刚从二楼掉下来…」):
  // a model sure enough that it is an emergency overrules these words.
  const notNow = STORY.test(compact) || RESOLVED.test(compact) || (!firm && (ASKING.test(compact) || OVER.test(compact)));
  const overruled = sure !== undefined && sure >= (classifier?.overrule ?? Infinity);
  if (notNow && !NOW.test(t) && !overruled) return undefined;
  // The model hearing someone hurt beside another kind's cue adds 120 and keeps the cue's number
  // (119 for a gas leak where someone in the bathroom does not answer).
  const kind = named === 'medical' ? found.kind : named ?? found.kind;
  // A cue of medical kind says someone needs 120, whichever kind answers.
  const injured = kind === 'medical' || found.kind === 'medical' || named === 'medical' || INJURED.test(t);
  return {
    kind, numbers: numbersFor(kind, injured), injured, cue: found.cue,
    ...(missing && kind === 'police' ? { missing: true as const } : {}),
    ...(kind === 'police' && (object || UNKNOWN_CONTENTS.test(t)) ? { object: true as const } : {}),
    // Unless the one who did it is still about (「那人还在外面」): then staying safe comes first.
    ...(kind === 'police' && AT_HOSPITAL.test(t) && HURT_BY_SOMEONE.test(t) && !NOW.test(t) ? { inHospital: true as const } : {}),
  };
}

const FIRST_LINE: Readonly<Record<EmergencyKind, (injured: boolean) => string>> = {
  police: (hurt) => (hurt ? '请马上拨打110报警！有人受伤请同时拨打120。' : '请马上拨打110报警！'),
  fire: (hurt) => (hurt ? '请马上拨打119！有人受伤请同时拨打120。' : '请马上拨打119！'),
  medical: () => '请马上拨打120叫救护车！',
  traffic: () => '请马上拨打122报警，有人受伤请同时拨打120！',
  suicide: () => '请马上拨打110或120求助！也可以拨打心理援助热线12356，有人愿意听您说。',
};

const NOW_WHAT: Readonly<Record<EmergencyKind, string>> = {
  police: '先躲到安全的地方，锁好门，别和对方硬碰；报警时说清楚地点。',
  fire: '先离开危险的地方，不要坐电梯，用湿毛巾捂住口鼻；闻到煤气不要开关电器，打开窗户。',
  medical: '让病人平躺，不要乱喂水喂药；说清楚地点，派人到路口接救护车。',
  traffic: '打开双闪，人退到护栏外；伤者不要随便搬动，除非有起火等危险。',
  suicide: '如果是身边的人，请陪着他，不要让他一个人待着，把刀具、药品拿开。',
};

const MISSING_WHAT = '人走失或联系不上，报警不用等24小时。告诉警察他长什么样、穿什么衣服、最后在哪里出现。';
const OBJECT_WHAT = '不要碰、不要打开、不要挪动它，人走远一点，也叫旁边的人走开；报警时说清楚在哪里。';
const HOSPITAL_WHAT = '人已经在医院的，先治伤；病历、诊断证明、伤情照片和医药费单据都留好，报警时交给警察。';

// Domestic violence: plain words for an older reader, no legal terms but the two to ask for.
const ABUSE_FIRST = '家暴不是家务事，是违法的。正在挨打或有危险，请马上拨打110。';
const ABUSE_REMEDIES = '警察可以出警，还可以给对方开告诫书；您也可以向法院申请人身安全保护令，不准对方再动手、再靠近。不懂怎么办，可以打12348问法律援助。';

/**
 * The reply's first lines: the number, then one thing to do now; for domestic violence, what the
 * law offers after them. Domestic violence told as going on: 110 for danger, then the law.
 */
export function emergencyReply(e: Emergency): string {
  if (e.domesticViolence === 'ongoing') return `${ABUSE_FIRST}\n${ABUSE_REMEDIES}`;
  const lines = `${FIRST_LINE[e.kind](e.injured)}\n${e.missing ? MISSING_WHAT : e.object ? OBJECT_WHAT : e.inHospital ? HOSPITAL_WHAT : NOW_WHAT[e.kind]}`;
  return e.domesticViolence === 'now' ? `${lines}\n家暴不是家务事。${ABUSE_REMEDIES}` : lines;
}
