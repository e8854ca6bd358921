// 鉴诈 verdict time for a 500-character text (the floor: at most 1 ms). Beside ours, in
// the same run: the rules alone (one Aho-Corasick pass: the ceiling of any rule check) and the
// peer the issue rules out, a loop of one regular expression per rule phrase.
import { performance } from 'node:perf_hooks';
import { loadFraudChecker, readFraudRules } from '../../src/alerts/fraud/index.js';
import { CompiledRules, fraudTextForm } from '../../src/alerts/fraud/rules.js';

export interface FraudBenchRow { name: string; microsPerText: number }

// A realistic paste: a retold police-impersonation call with a chat log, padded to 500 characters.
const SAMPLE = '刚才有个自称三明市公安局刑警大队的王警官打电话给我，说我名下的一张银行卡涉嫌一起洗钱案件，'
  + '要我配合调查，不能告诉家人，否则会被拘留。他让我下载一个会议软件，开了屏幕共享，说要核查我的资金，'
  + '然后把钱转到他们指定的安全账户，等调查结束再退回来。对方：你现在马上去银行，不要挂电话。我：可是我只有三万块。'
  + '对方：那就先转三万，剩下的想办法借。后来他又发来一个链接 http://gaj-check.top/verify 让我填写银行卡号和验证码。';

function timeIt(fn: () => void, minMillis: number): number {
  for (let i = 0; i < 200; i += 1) fn();
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < minMillis) {
    fn();
    runs += 1;
  }
  return ((performance.now() - start) * 1000) / runs;
}

export function runFraudBench(seconds: number): { chars: number; rows: FraudBenchRow[] } {
  const text = SAMPLE.repeat(Math.ceil(500 / SAMPLE.length)).slice(0, 500);
  const file = readFraudRules();
  const checker = loadFraudChecker();
  const rules = new CompiledRules(file);
  const phrases = [...new Set(file.rules.flatMap((r) => r.all.flat()).map(fraudTextForm))];
  const regexes = phrases.map((p) => new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'u'));
  const budget = (seconds * 1000) / 3;
  let sink = 0;
  const rows: FraudBenchRow[] = [
    { name: 'ours (rules + model)', microsPerText: timeIt(() => { sink += checker.check(text).score; }, budget) },
    { name: 'rules alone (ceiling)', microsPerText: timeIt(() => { sink += rules.fired(fraudTextForm(text)).length; }, budget) },
    { name: 'regex per phrase', microsPerText: timeIt(() => { const t = fraudTextForm(text); sink += regexes.filter((r) => r.test(t)).length; }, budget) },
  ];
  if (Number.isNaN(sink)) console.log('');
  return { chars: [...text].length, rows };
}
