// Test doubles for the engine: an in-memory TipDesk (plain object, not the real tips service),
// a movable clock, and a few senders that return the reply as text.
import { loadConfig, type AppConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/platform/logger.js';
import type { KeyValueStore } from '../../src/platform/shared-store.js';
import { createEngine } from '../../src/bot/engine.js';
import type { ConversationRecord } from '../../src/bot/conversation.js';
import type {
  CitizenRating, CitizenTipView, TipAddition, TipAdditionResult, TipDesk, TipReceipt, TipSubmission, WaitingNotice,
} from '../../src/bot/ports.js';
import { AppError } from '../../src/platform/errors.js';
import type { Bot, BotInput, BotReply, CitizenRef, NoticeId } from '../../src/bot/types.js';

export interface FakeTip { code: string; submission: TipSubmission; view: CitizenTipView }

const sameCitizen = (a: CitizenRef, b: CitizenRef) => a.channel === b.channel && a.id === b.id;

/**
 * The desk's methods are async; this one answers at once. Its failures still come as rejections,
 * as the real desk's do (the engine does not await every call: desk.touch(…).catch(…)).
 */
export class FakeDesk implements TipDesk {
  tips: FakeTip[] = [];
  submitCalls: TipSubmission[] = [];
  ratings: Array<{ code: string; rating: CitizenRating }> = [];
  reviews: Array<{ code: string; reason: string }> = [];
  additions: Array<{ code: string } & TipAddition> = [];
  failAdd = false;
  touches: Date[] = [];
  /** Waiting notices by citizen id: held by a message, then delivered or released by the adapter. */
  notices = new Map<string, string[]>();
  held = new Map<NoticeId, { citizen: string; text: string }>();
  delivered: NoticeId[] = [];
  released: NoticeId[] = [];
  private noticeIds = 0;
  failSubmit = false;
  failTouch = false;
  failFindReceipt = false;
  findReceiptCalls = 0;
  countOverride: number | undefined;

  submit(s: TipSubmission): Promise<TipReceipt> {
    this.submitCalls.push(s);
    if (this.failSubmit) return Promise.reject(Object.assign(new Error('db down'), { code: 'TIP_STORE_UNAVAILABLE' }));
    let tip = this.tips.find((t) => t.submission.submissionKey === s.submissionKey);
    if (!tip) {
      const code = `SM251126${String.fromCharCode(65 + this.tips.length).repeat(6)}`;
      tip = { code, submission: s, view: view(code, s) };
      this.tips.push(tip);
    }
    return Promise.resolve(receiptOf(tip));
  }

  findReceipt(c: CitizenRef, submissionKey: string): Promise<TipReceipt | undefined> {
    this.findReceiptCalls += 1;
    if (this.failFindReceipt) return Promise.reject(new Error('db down'));
    const tip = this.tips.find((t) => t.submission.submissionKey === submissionKey && sameCitizen(t.submission.citizen, c));
    return Promise.resolve(tip && receiptOf(tip));
  }

  listMine(c: CitizenRef): Promise<CitizenTipView[]> {
    return Promise.resolve(this.tips.filter((t) => sameCitizen(t.submission.citizen, c)).map((t) => t.view));
  }

  getMine(c: CitizenRef, code: string): Promise<CitizenTipView | undefined> {
    return Promise.resolve(this.tips.find((t) => t.code === code && sameCitizen(t.submission.citizen, c))?.view);
  }

  async rate(c: CitizenRef, code: string, rating: CitizenRating) {
    const tip = await this.getMine(c, code);
    if (!tip) throw new Error('not found');
    this.ratings.push({ code, rating });
    tip.rating = rating;
    tip.canRate = false;
    tip.canRequestReview = rating === 'unsatisfied';
    return tip;
  }

  async requestReview(c: CitizenRef, code: string, reason: string) {
    const tip = await this.getMine(c, code);
    if (!tip) throw new Error('not found');
    this.reviews.push({ code, reason });
    return tip;
  }

  addToTip(c: CitizenRef, code: string, addition: TipAddition): Promise<TipAdditionResult> {
    if (this.failAdd) return Promise.reject(Object.assign(new Error('db down'), { code: 'TIP_STORE_UNAVAILABLE' }));
    const tip = this.tips.find((t) => t.code === code && sameCitizen(t.submission.citizen, c));
    if (!tip) return Promise.reject(new AppError('TIP_NOT_FOUND', 404, '没有找到该编号的事项'));
    const colour = tip.submission.danger || this.additions.some((a) => a.code === code && a.danger) ? 'red' : 'green';
    if (this.additions.some((a) => a.code === code && a.messageKey === addition.messageKey)) return Promise.resolve({ outcome: 'again', colour });
    if (!tip.view.canAdd) return Promise.reject(new AppError('TIP_CANNOT_ADD', 409, '这件事已经不在办理中，不能再补充'));
    this.additions.push({ code, ...addition });
    return Promise.resolve({ outcome: 'added', colour: addition.danger ? 'red' : colour });
  }

  holdNotices(c: CitizenRef): Promise<WaitingNotice[]> {
    const list = this.notices.get(c.id) ?? [];
    this.notices.delete(c.id);
    return Promise.resolve(list.map((text) => {
      this.noticeIds += 1;
      this.held.set(this.noticeIds, { citizen: c.id, text });
      return { id: this.noticeIds, text };
    }));
  }

  noticesDelivered(_c: CitizenRef, ids: readonly NoticeId[]): Promise<void> {
    for (const id of ids) if (this.held.delete(id)) this.delivered.push(id);
    return Promise.resolve();
  }

  releaseNotices(c: CitizenRef, ids: readonly NoticeId[]): Promise<void> {
    for (const id of ids) {
      const n = this.held.get(id);
      if (!n || n.citizen !== c.id) continue;
      this.held.delete(id);
      this.released.push(id);
      this.notices.set(c.id, [...(this.notices.get(c.id) ?? []), n.text]);
    }
    return Promise.resolve();
  }

  touch(_c: CitizenRef, at: Date): Promise<void> {
    if (this.failTouch) return Promise.reject(new Error('touch failed'));
    this.touches.push(at);
    return Promise.resolve();
  }

  async countSince(c: CitizenRef) {
    return this.countOverride ?? (await this.listMine(c)).length;
  }

  /** Marks a tip answered, as staff would. */
  answer(code: string, text: string) {
    const tip = this.tips.find((t) => t.code === code);
    if (!tip) throw new Error(`no tip ${code}`);
    const answeredAt = new Date('2025-12-01T02:00:00Z');
    Object.assign(tip.view, {
      state: 'answered', stateLabel: '已答复', stateAt: answeredAt, answer: text, answeredAt, canRate: true, canAdd: false,
      steps: [...(tip.view.steps ?? []), { label: '已答复', at: answeredAt }],
    });
  }
}

function receiptOf(tip: FakeTip): TipReceipt {
  return {
    code: tip.code,
    colour: tip.submission.danger ? 'red' : 'green',
    acknowledgeBy: new Date('2025-11-26T20:00:00Z'), // 11月27日 in Beijing
    concludeBy: new Date('2026-01-25T10:00:00Z'),
  };
}

function view(code: string, s: TipSubmission): CitizenTipView {
  return {
    code, category: s.category, state: 'received', stateLabel: '已收到', stateAt: new Date('2025-11-26T02:00:00Z'),
    steps: [{ label: '已收到', at: new Date('2025-11-26T02:00:00Z') }],
    submittedAt: new Date('2025-11-26T02:00:00Z'), concludeBy: new Date('2026-01-25T10:00:00Z'),
    answer: null, answeredAt: null, rating: null, canRate: false, canRequestReview: false, canAdd: true,
  };
}

let baseConfig: AppConfig | undefined;
export async function testConfig(bot: Partial<AppConfig['bot']> = {}): Promise<AppConfig> {
  baseConfig ??= await loadConfig();
  return { ...baseConfig, bot: { ...baseConfig.bot, ...bot } };
}

export class Clock {
  t = new Date('2025-11-26T02:00:00Z');
  now = () => this.t;
  advance(minutes: number) { this.t = new Date(this.t.getTime() + minutes * 60_000); }
}

/**
 * A conversation store that keeps JSON text, as Redis would: every engine test checks that what
 * the engine stores survives serialisation (no Dates, no shared objects).
 */
export class JsonStore<V> implements KeyValueStore<V> {
  private readonly data = new Map<string, string>();
  /** While true, every read and write fails, as a store that is down. */
  failing = false;
  /** While true, writes fail and reads work. */
  failingWrites = false;
  /** How many of the next writes fail. */
  failNextWrites = 0;
  get(key: string): Promise<V | undefined> {
    if (this.failing) return Promise.reject(new Error('store down'));
    const text = this.data.get(key);
    return Promise.resolve(text === undefined ? undefined : JSON.parse(text) as V);
  }
  set(key: string, value: V): Promise<void> {
    if (this.failNextWrites > 0) {
      this.failNextWrites -= 1;
      return Promise.reject(new Error('store down'));
    }
    if (this.failing || this.failingWrites) return Promise.reject(new Error('store down'));
    this.data.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
  delete(key: string): Promise<void> {
    this.data.delete(key);
    return Promise.resolve();
  }
}

export interface Harness {
  bot: Bot;
  desk: FakeDesk;
  clock: Clock;
  store: KeyValueStore<ConversationRecord>;
  config: AppConfig;
}

export async function harness(bot: Partial<AppConfig['bot']> = {}, shared?: Partial<Harness>): Promise<Harness> {
  const config = await testConfig(bot);
  const desk = shared?.desk ?? new FakeDesk();
  const clock = shared?.clock ?? new Clock();
  const store = shared?.store ?? new JsonStore<ConversationRecord>();
  const engine = createEngine({ config, logger: createLogger('silent'), desk, conversations: store, now: clock.now });
  return { bot: engine, desk, clock, store, config };
}

export const citizen = (id = 'openid-a'): CitizenRef => ({ channel: 'official_account', id });

type Body = BotInput extends infer T ? (T extends unknown ? Omit<T, 'citizen' | 'receivedAt' | 'msgId'> : never) : never;

export function input(body: Body, who: CitizenRef = citizen()): BotInput {
  return { ...body, citizen: who, receivedAt: new Date('2025-11-26T02:00:00Z') };
}

/** WeChat cuts text replies over 2048 bytes: every test reply is checked against it. */
export const WECHAT_TEXT_LIMIT_BYTES = 2048;

export function texts(r: BotReply): string {
  for (const p of r.parts) {
    if (p.type === 'text' && Buffer.byteLength(p.text, 'utf8') > WECHAT_TEXT_LIMIT_BYTES) {
      throw new Error(`reply part over ${WECHAT_TEXT_LIMIT_BYTES} bytes: ${p.text.slice(0, 40)}…`);
    }
  }
  return r.parts.map((p) => (p.type === 'text' ? p.text : `[${p.type}]`)).join('\n---\n');
}

/** Sends a text (or any input) and returns the whole reply as one string. */
export async function send(h: Harness, message: string | Body, who: CitizenRef = citizen()): Promise<string> {
  const body: Body = typeof message === 'string' ? { kind: 'text', text: message } : message;
  return texts(await h.bot.handle(input(body, who)));
}
