import { expect } from 'chai';
import { parseMessage, scanXml, WechatCrypto, WechatProtocolError } from '../../src/wechat/index.js';
import { fixture, inboundSamples, vectors } from './vectors.js';

/** Deterministic PRNG (mulberry32) so a failure reproduces from the printed seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  '<', '>', '/', '!', '?', '[', ']', '&', ';', '#', 'x', '"', "'", '=', ' ', '\n', '\u0000', '中', '😀', '\ud800',
  '<![CDATA[', ']]>', '<!DOCTYPE x [<!ENTITY a "b">]>', '<?xml version="1.0"?>', '&#x41;', '&amp;', '&lt', '<!--',
  '-->', '<item>', '</item>', '<xml>', '</xml>', '<A>', '</A>', '<A/>', 'a="1"',
];

function mutate(input: string, rnd: () => number): string {
  let s = input;
  const edits = 1 + Math.floor(rnd() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (s.length + 1));
    const op = Math.floor(rnd() * 6);
    const token = TOKENS[Math.floor(rnd() * TOKENS.length)] ?? '<';
    if (op === 0) s = s.slice(0, at) + token + s.slice(at);
    else if (op === 1) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 8));
    else if (op === 2) s = s.slice(0, at) + token + s.slice(at + token.length);
    else if (op === 3) s = s.slice(0, at);
    else if (op === 4) {
      const from = Math.floor(rnd() * s.length);
      s = s.slice(0, at) + s.slice(from, from + Math.floor(rnd() * 40)) + s.slice(at);
    } else s = s.slice(at) + s.slice(0, at);
  }
  return s;
}

function timed(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function onlyProtocolErrors(fn: () => unknown, input: string, seed: number): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof WechatProtocolError)) {
      throw new Error(`seed ${seed}: ${String(err)} for input ${JSON.stringify(input.slice(0, 200))}`);
    }
  }
}

describe('wechat fuzz', function () {
  this.timeout(60_000);
  const corpus = [
    ...Object.values(inboundSamples()),
    fixture('event-scancode-push.xml'),
    fixture('event-pic-sysphoto.xml'),
    fixture('event-location-select.xml'),
    vectors.aes_easywechat_decrypt.request_body,
    vectors.aes_wechatpy_work.encrypt_reply.expected_envelope,
  ];

  it('scanXml + parseMessage on mutated samples throw only WechatProtocolError and stay fast', () => {
    const seed = Date.now() % 100_000;
    const rnd = prng(seed);
    let accepted = 0;
    let slowest = 0;
    for (let i = 0; i < 30_000; i++) {
      const input = mutate(corpus[i % corpus.length] ?? '', rnd);
      const run = () => onlyProtocolErrors(() => parseMessage(scanXml(input)), input, seed);
      const t0 = performance.now();
      try {
        parseMessage(scanXml(input));
        accepted++;
      } catch {
        run();
      }
      // A GC pause or a busy CI box can stall one call; only a slowness that repeats is ours.
      if (performance.now() - t0 > 50) slowest = Math.max(slowest, Math.min(timed(run), timed(run), timed(run)));
    }
    expect(slowest, `seed ${seed}`).to.be.below(50);
    expect(accepted, 'some mutations must still be valid').to.be.greaterThan(100);
  });

  it('decrypt on mutated ciphertexts throws only WechatProtocolError', () => {
    const v = vectors.aes_official_sample;
    const c = new WechatCrypto({ token: v.token, encodingAESKey: v.encodingAESKey, appId: v.appId });
    const seed = Date.now() % 100_000;
    const rnd = prng(seed);
    const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    for (let i = 0; i < 5_000; i++) {
      const src = i % 2 ? v.case1.expected_Encrypt : v.case2.expected_Encrypt;
      const chars = src.split('');
      const edits = 1 + Math.floor(rnd() * 3);
      for (let e = 0; e < edits; e++) chars[Math.floor(rnd() * chars.length)] = b64[Math.floor(rnd() * 64)] ?? 'A';
      const input = rnd() < 0.2 ? mutate(src, rnd) : chars.join('');
      onlyProtocolErrors(() => c.decrypt(input), input, seed);
    }
  });

  it('worst-case inputs at the size limit finish quickly (no quadratic paths)', () => {
    const max = 64 * 1024 - 20;
    const hostile = [
      `<xml><A>${'&amp;'.repeat(max / 5 - 4)}</A></xml>`,
      `<xml><A>${'<![CDATA[x]]>'.repeat(max / 13 - 2)}</A></xml>`,
      `<xml>${'<A>'.repeat(max / 3 - 4)}`,
      `<xml><A><![CDATA[${']'.repeat(max - 40)}`,
      `<xml>${'<item>1</item>'.repeat(500)}</xml>`,
      `<xml><A>${'&'.repeat(max - 20)}</A></xml>`,
      `<?xml${' '.repeat(max - 10)}`,
    ];
    for (const input of hostile) {
      const run = () => onlyProtocolErrors(() => scanXml(input), input, 0);
      // The best of three: a GC pause on a busy CI box is not a quadratic path.
      expect(Math.min(timed(run), timed(run), timed(run))).to.be.below(100);
    }
  });
});
