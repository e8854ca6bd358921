// `tsx test/bench/profile-summary.ts <file.cpuprofile> [--window 5-16] [--timeline] [--top 25] [--per N]`
// Summarises a V8 CPU profile (node --cpu-prof, e.g. through BENCH_SERVICE_NODE_ARGS): where the
// busy time went by package or file, and the functions of our own code (src/) by self and
// inclusive time. Idle samples are left out of every share, so shares are of busy time.
//   --window a-b  only the samples from second a to second b of the profile (the load phase)
//   --timeline    busy share per second, to find that window
//   --callers re  where the self time of the functions matching `re` (e.g. Hmac) came from: the
//                 chains of our functions above them
//   --through a   the same for every sample with area `a` (a package, e.g. sequelize) on its stack
//   --per N       also prints microseconds per unit for N units (messages, requests) in the window
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const file = process.argv[2];
if (!file || file.startsWith('--')) throw new Error('usage: profile-summary.ts <file.cpuprofile> [--window a-b] [--timeline] [--top N] [--per N]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const top = Number(arg('top') ?? 25);
const per = arg('per') ? Number(arg('per')) : undefined;
const [from, to] = (arg('window') ?? '0-1e9').split('-').map(Number) as [number, number];

const byId = new Map<number, ProfileNode>();
const parent = new Map<number, number>();
for (const n of profile.nodes) {
  byId.set(n.id, n);
  for (const c of n.children ?? []) parent.set(c, n.id);
}

const cwd = process.cwd();
/** Where a frame belongs: a package, a file of ours, node's internals, or one of V8's pseudo-frames. */
function area(f: CallFrame): string {
  if (!f.url) return f.functionName.startsWith('(') ? f.functionName : '(native)';
  const url = f.url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  return url.startsWith(cwd) ? url.slice(cwd.length + 1) : url;
}
// Ours: the sources (under tsx) or their build (BENCH_FROM_DIST=1).
const ours = (f: CallFrame) => /^(src|dist)\//.test(area(f));

// Under tsx a frame's line and column are those of the transformed code (one long line). tsx
// keeps each transform with its source map in its cache directory; the newest ESM transform of a
// file (the bench imports src/ as ESM) maps a frame back to its line in the source. Best effort:
// without the cache, frames keep the transformed position.
const transforms = new Map<string, string>();
try {
  const dir = path.join(tmpdir(), `tsx-${userInfo().uid}`);
  const newest = new Map<string, number>();
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    // Transforms are files; the directory also holds tsx's IPC pipes.
    if (!statSync(file).isFile()) continue;
    const text = readFileSync(file, 'utf8');
    const source = /"sources":\["([^"]+)"\]/.exec(text)?.[1];
    if (!source?.startsWith(cwd) || text.startsWith('{"code":"__filename=')) continue;
    const mtime = statSync(file).mtimeMs;
    if ((newest.get(source) ?? 0) < mtime) {
      newest.set(source, mtime);
      transforms.set(source, text);
    }
  }
} catch {
  // no cache: positions stay as they are
}

const VLQ = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const lineMaps = new Map<string, Array<Array<[number, number]>>>();
/** For each generated line, its segments as [generated column, source line], from a source map's mappings. */
function decodeMappings(mappings: string): Array<Array<[number, number]>> {
  const lines: Array<Array<[number, number]>> = [];
  let srcLine = 0;
  for (const line of mappings.split(';')) {
    const segments: Array<[number, number]> = [];
    let col = 0;
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const fields: number[] = [];
      let value = 0, shift = 0;
      for (const ch of segment) {
        const digit = VLQ.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) { shift += 5; continue; }
        fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
        value = 0;
        shift = 0;
      }
      col += fields[0]!;
      if (fields.length >= 4) {
        srcLine += fields[2]!;
        segments.push([col, srcLine]);
      }
    }
    lines.push(segments);
  }
  return lines;
}
/** The 1-based source line of a frame of ours, or its transformed position when unknown. */
function sourceLine(f: CallFrame): string {
  const file = f.url.replace(/^file:\/\//, '');
  const text = transforms.get(file);
  if (!text) return `${f.lineNumber + 1}:${f.columnNumber + 1}`;
  let map = lineMaps.get(file);
  if (!map) {
    map = decodeMappings((JSON.parse(text) as { map: { mappings: string } }).map.mappings);
    lineMaps.set(file, map);
  }
  let found: number | undefined;
  for (const [col, line] of map[f.lineNumber] ?? []) {
    if (col > f.columnNumber) break;
    found = line;
  }
  return found === undefined ? `${f.lineNumber + 1}:${f.columnNumber + 1}` : String(found + 1);
}
const label = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${area(f)}:${ours(f) ? sourceLine(f) : f.lineNumber + 1}`;

// Sample times: timeDeltas[i] is the time since the previous sample; the sample's weight is the
// interval up to the next one.
const times: number[] = [];
let t = profile.startTime;
for (const d of profile.timeDeltas) times.push((t += d));
const timeline = new Map<number, { busy: number; all: number }>();
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const areas = new Map<string, number>();
const areasInclusive = new Map<string, number>();
const oursInclusiveByArea = new Map<string, number>();
const callersOf = arg('callers') ? new RegExp(arg('callers')!) : undefined;
const through = arg('through');
const callerChains = new Map<string, number>();
let busy = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const at = (times[i]! - profile.startTime) / 1e6;
  const weight = (i + 1 < times.length ? times[i + 1]! : profile.endTime) - times[i]!;
  const node = byId.get(profile.samples[i]!)!;
  const idle = node.callFrame.functionName === '(idle)';
  const second = Math.floor(at);
  const slot = timeline.get(second) ?? { busy: 0, all: 0 };
  slot.all += weight;
  if (!idle) slot.busy += weight;
  timeline.set(second, slot);
  if (idle || at < from || at > to) continue;
  busy += weight;
  self.set(label(node.callFrame), (self.get(label(node.callFrame)) ?? 0) + weight);
  areas.set(area(node.callFrame), (areas.get(area(node.callFrame)) ?? 0) + weight);
  // Inclusive: each function (and each area) once per sample, however deep its recursion.
  const seen = new Set<string>();
  const seenAreas = new Set<string>();
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const f = byId.get(id)!.callFrame;
    const a = area(f);
    if (!seenAreas.has(a)) {
      seenAreas.add(a);
      areasInclusive.set(a, (areasInclusive.get(a) ?? 0) + weight);
    }
    if (!ours(f)) continue;
    const key = label(f);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + weight);
  }
  if (callersOf?.test(node.callFrame.functionName) || (through && seenAreas.has(through))) {
    const chain: string[] = [];
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)!.callFrame;
      if (ours(f)) chain.push(label(f));
    }
    const key = chain.slice(0, 4).join(' < ') || '(no function of ours on the stack)';
    callerChains.set(key, (callerChains.get(key) ?? 0) + weight);
  }
  // Self time outside our code, charged to the innermost function of ours that called it.
  if (!ours(node.callFrame)) {
    for (let id = parent.get(node.id); id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)!.callFrame;
      if (!ours(f)) continue;
      const key = `${label(f)} → ${area(node.callFrame)}`;
      oursInclusiveByArea.set(key, (oursInclusiveByArea.get(key) ?? 0) + weight);
      break;
    }
  }
}

const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
const perUnit = (us: number) => (per ? `${(us / per).toFixed(1).padStart(8)} µs` : '');
function print(title: string, m: Map<string, number>, n = top): void {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${pct(v)} ${perUnit(v)}  ${k}`);
}

if (process.argv.includes('--timeline')) {
  console.log('second  busy%');
  for (const [s, v] of [...timeline].sort((a, b) => a[0] - b[0])) console.log(`${String(s).padStart(6)}  ${((100 * v.busy) / v.all).toFixed(0).padStart(4)}`);
}
console.log(`busy ${(busy / 1e3).toFixed(0)} ms in the window${per ? `, ${(busy / per).toFixed(1)} µs per unit over ${per}` : ''}`);
print('self time by area (package, node internals, file of ours, V8 pseudo-frames)', areas);
print('inclusive time by area (a sample counts for every area on its stack)', areasInclusive);
print('self time, all functions', self);
print('self time, functions of ours (src/ or dist/)', new Map([...self].filter(([k]) => / (src|dist)\//.test(k))));
print('inclusive time, functions of ours (src/ or dist/)', inclusive, top * 2);
print('time in other code, charged to the innermost function of ours that called it', oursInclusiveByArea);
if (callersOf || through) print(`where ${callersOf?.source ?? through} was called from (innermost four functions of ours)`, callerChains);
