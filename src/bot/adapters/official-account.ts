// The official-account webhook: GET/POST /wechat. A thin adapter: verify, decrypt, parse, hand the
// message to the engine once, answer within WeChat's budget, deliver the rest through the
// customer-service API. It never answers WeChat with a 5xx.
//
// It is a plain Node request handler, not a Koa route: it is the one hot path of the service
// (every citizen message), and Koa's context, router and middleware chain cost more than the
// protocol itself. It keeps the same contract as the rest of the app — request id, access log,
// metrics by route, stable error codes through toAppError/errorBody — from src/http.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppConfig } from '../../config/index.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../../platform/metrics.js';
import { isLocalStore, type KeyValueStore, type LocalKeyValueStore } from '../../platform/stores.js';
import { isUtf8 } from 'node:buffer';
import { readRequestBody } from '../../http/body.js';
import { errorBody, lazyRequestLog, logFailure, requestIdFrom, requestRecorder } from '../../http/middleware.js';
import { AppError, badRequest } from '../../platform/errors.js';
import { StringInterner, ownString } from '../../platform/strings.js';
import { DeadlineQueue } from '../../platform/deadlines.js';
import {
  checkSignature, WechatCrypto, scanXmlBytes, parseMessage, utf8Bytes, dedupeKey, isEvent,
  renderReplyBytes, splitText, NO_REPLY, WechatProtocolError, type ByteString, type WechatClient, type WechatMessage, type Reply,
  type ReplyContext,
} from '../../wechat/index.js';
import type { Bot, BotReply, BotReplyPart, NoticeId, NoticeOutcome } from '../types.js';
import { toBotInput } from './wechat-input.js';
import { deliverLater, noticesIn } from './customer-service.js';

/**
 * What the dedupe store keeps for a message, for its retries: the passive reply as data, rendered
 * again when a retry comes (`body` only for 'success': nothing to say, or the answer went out
 * later). Keeping the rendered XML instead — the text plus its envelope, two bytes a character
 * once it holds Chinese — for every message for the dedupe TTL was most of the heap under load.
 * Plain data, so that a shared store can serialise it.
 */
export type StoredReply =
  | { body: string }
  | (ReplyContext & { part: BotReplyPart });

export interface WebhookDeps {
  config: AppConfig;
  logger: Logger;
  metrics: Metrics;
  bot: Bot;
  client: Pick<WechatClient, 'messageCustomSend'>;
  dedupe: KeyValueStore<StoredReply>;
}

export interface Webhook {
  /** The path it serves (also its metrics route label). */
  readonly path: '/wechat';
  /** True when `url` (path and query, as in req.url) is the webhook's. */
  matches(url: string | undefined): boolean;
  /** Node request handler; never rejects, never answers WeChat with a 5xx. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Stops the reply-budget timer (in-flight answers still complete). */
  close(): void;
}

const NOTHING: StoredReply = { body: NO_REPLY };
const APOLOGY = '抱歉，刚才的消息没有处理成功，请稍后再发一次。如遇紧急情况请直接拨打110。';
const PATH = '/wechat';
const ALLOW = 'GET, HEAD, POST';

const PROTOCOL_STATUS: Record<string, number> = { WECHAT_BAD_SIGNATURE: 401 };

function protocolError(err: WechatProtocolError): AppError {
  return new AppError(err.code, PROTOCOL_STATUS[err.code] ?? 400, '请求无效');
}

/**
 * The query as single values. A key given twice is ambiguous (which signature was meant?), so it
 * reads as absent and fails verification like a missing one.
 */
export function parseQuery(search: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!search) return out;
  let repeated: string[] | undefined;
  if (search.includes('%') || search.includes('+')) {
    // WHATWG decoding: '+' is a space; malformed percent-encoding stays as typed (and then cannot
    // match a signature).
    for (const [key, value] of new URLSearchParams(search)) {
      if (out.has(key)) (repeated ??= []).push(key);
      else out.set(key, value);
    }
  } else {
    // Nothing encoded (what WeChat sends: hex, digits, openids): the same split as
    // URLSearchParams (one leading '?' dropped, empty pairs skipped, the name ends at the first
    // '='), without building its list of pairs on every message.
    let at = search.charCodeAt(0) === 63 /* ? */ ? 1 : 0;
    while (at <= search.length) {
      let end = search.indexOf('&', at);
      if (end < 0) end = search.length;
      if (end > at) {
        const eq = search.indexOf('=', at);
        const key = eq < 0 || eq > end ? search.slice(at, end) : search.slice(at, eq);
        if (out.has(key)) (repeated ??= []).push(key);
        else out.set(key, eq < 0 || eq > end ? '' : search.slice(eq + 1, end));
      }
      at = end + 1;
    }
  }
  if (repeated) for (const key of repeated) out.delete(key);
  return out;
}

export function createWebhook(deps: WebhookDeps): Webhook {
  const { config, logger, metrics, bot, dedupe } = deps;
  const wc = config.wechat;
  const crypto = wc.aesKey ? new WechatCrypto({ token: wc.token, encodingAESKey: wc.aesKey, appId: wc.appId }) : undefined;
  // Retries that arrive while the first delivery is still being handled wait on the same promise.
  const inFlight = new Map<string, Promise<StoredReply>>();
  const local = isLocalStore(dedupe) ? dedupe : undefined;
  // The 5-second rule: one timer for every message's reply budget (see DeadlineQueue).
  const budgets = new DeadlineQueue(wc.replyBudgetMs);
  const record = requestRecorder(metrics, logger);
  // The account's own id, kept once rather than as a view into each request body (ownString);
  // a citizen's openid, once per citizen rather than once per stored reply.
  let account = '';
  const openids = new StringInterner();
  // One object per stored reply: the dedupe store holds one for every message for its TTL.
  const addressed = (part: BotReplyPart, message: WechatMessage): StoredReply => {
    if (message.toUser !== account) account = ownString(message.toUser);
    return {
      part,
      toUser: openids.intern(message.fromUser),
      fromUser: account,
      createTime: Math.floor(Date.now() / 1000),
      maxArticles: isEvent(message) ? 8 : 1,
    };
  };

  /** Checks signature and timestamp; returns the signed query values the AES check reuses. */
  function verify(q: Map<string, string>): { timestamp: string; nonce: string } {
    const timestamp = q.get('timestamp') ?? '';
    const nonce = q.get('nonce') ?? '';
    if (!checkSignature(wc.token, timestamp, nonce, q.get('signature') ?? '')) {
      throw new AppError('WECHAT_BAD_SIGNATURE', 401, '签名无效');
    }
    const ts = Number(timestamp);
    if (!Number.isInteger(ts) || Math.abs(Date.now() / 1000 - ts) > wc.timestampToleranceSeconds) {
      throw new AppError('WECHAT_STALE_TIMESTAMP', 401, '时间戳无效');
    }
    return { timestamp, nonce };
  }

  /** A POST's body as the message it carries: decrypted (safe mode) and parsed. */
  function readMessage(body: Buffer, q: Map<string, string>, aes: boolean, timestamp: string, nonce: string): WechatMessage {
    // Checked here as well as by the scanner, to answer it as what it is: not the XML's fault.
    if (!isUtf8(body)) throw badRequest('BAD_ENCODING', '请求必须是 UTF-8 编码');
    try {
      let xml = body;
      if (aes) {
        if (!crypto) throw new AppError('WECHAT_AES_NOT_CONFIGURED', 400, '未配置消息加密');
        const encrypt = scanXmlBytes(body, { maxBytes: wc.bodyLimitBytes }).Encrypt;
        if (!encrypt) throw new WechatProtocolError('WECHAT_BAD_XML', 'missing Encrypt');
        if (!crypto.checkMsgSignature(timestamp, nonce, encrypt, q.get('msg_signature') ?? '')) {
          throw new WechatProtocolError('WECHAT_BAD_SIGNATURE', 'msg_signature mismatch');
        }
        xml = crypto.decryptBytes(encrypt);
      } else if (wc.requireEncryption) {
        throw new AppError('WECHAT_ENCRYPTION_REQUIRED', 400, '本公众号仅接受安全模式消息');
      }
      return parseMessage(scanXmlBytes(xml, { maxBytes: wc.bodyLimitBytes }));
    } catch (err) {
      if (err instanceof WechatProtocolError) throw protocolError(err);
      throw err;
    }
  }

  /** Text (JSON errors, the echoed echostr) as UTF-8. */
  function sendText(res: ServerResponse, reqId: string, status: number, type: string, body: string, head: boolean): void {
    // One writeHead with every header and no setHeader before it: node then takes the headers
    // object as it is instead of merging it into a header map one setHeader at a time.
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'X-Request-Id': reqId });
    res.end(head ? undefined : body);
  }

  /** A passive reply, already UTF-8 bytes: node puts the headers and a latin1 body into one string and writes it with one copy. */
  function sendBytes(res: ServerResponse, reqId: string, type: string, body: ByteString): void {
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, 'X-Request-Id': reqId });
    res.end(body, 'latin1');
  }

  /**
   * One request, answered whatever happens: it never rejects (handle() does not wait on it). A
   * POST is two awaits, the body and the answer: each await is a promise job per message, so the
   * message path is written out here rather than as nested async functions.
   */
  async function serve(req: IncomingMessage, res: ServerResponse, reqId: string): Promise<void> {
    const started = performance.now();
    const logs = lazyRequestLog(logger, reqId);
    const method = req.method ?? 'GET';
    try {
      try {
        const url = req.url ?? '';
        const qAt = url.indexOf('?');
        const q = parseQuery(qAt < 0 ? '' : url.slice(qAt + 1));
        if (method === 'POST') {
          const { timestamp, nonce } = verify(q);
          const body = await readRequestBody(req, wc.bodyLimitBytes);
          const aes = q.get('encrypt_type') === 'aes';
          const message = readMessage(body, q, aes, timestamp, nonce);
          metrics.wechatMessages.inc({ kind: message.kind, mode: aes ? 'aes' : 'plain' });
          const passive = await answerOnce(message, logs);
          const plain = passiveXml(passive);
          // Encrypted exactly when the request was (readMessage refused aes without crypto).
          const reply = plain === NO_REPLY || !aes || !crypto
            ? plain
            : crypto.encryptReplyBytes(plain, String(Math.floor(Date.now() / 1000)), String(Math.floor(Math.random() * 1e10)));
          if ('part' in passive && passive.part.type === 'text' && passive.part.notices) settleOnWrite(res, message.fromUser, passive.part.notices);
          sendBytes(res, reqId, reply === NO_REPLY ? 'text/plain; charset=utf-8' : 'application/xml; charset=utf-8', reply);
        } else if (method === 'GET' || method === 'HEAD') {
          verify(q);
          sendText(res, reqId, 200, 'text/plain; charset=utf-8', q.get('echostr') ?? '', method === 'HEAD');
        } else {
          res.setHeader('Allow', ALLOW);
          if (method === 'OPTIONS') sendText(res, reqId, 200, 'text/plain; charset=utf-8', ALLOW, false);
          else throw new AppError('METHOD_NOT_ALLOWED', 405, '不支持的请求方法');
        }
      } catch (err) {
        const appErr = logFailure(logs.log, err);
        if (res.headersSent) {
          res.destroy();
        } else if (appErr.status >= 500) {
          // WeChat would retry a 5xx and then tell the citizen the account is broken.
          sendText(res, reqId, 200, 'text/plain; charset=utf-8', NO_REPLY, false);
        } else {
          sendText(res, reqId, appErr.status, 'application/json; charset=utf-8', JSON.stringify(errorBody(appErr)), method === 'HEAD');
        }
      }
      record({ reqId, method, route: PATH, status: res.statusCode, seconds: seconds(started) });
    } catch (err) {
      // The last line of defence: only a failure while refusing or recording comes here.
      try {
        logger.error({ err, reqId }, 'webhook: unhandled failure');
        if (!res.headersSent) sendText(res, reqId, 200, 'text/plain; charset=utf-8', NO_REPLY, false);
        else res.destroy();
      } catch {
        res.destroy();
      }
    }
  }

  /**
   * Notices in the passive reply are delivered when the reply was written (every byte handed to
   * the connection), not when the engine answered: a connection WeChat has already closed leaves
   * them for the next message. A retry writing the stored reply reports them again (harmless).
   */
  function settleOnWrite(res: ServerResponse, openid: string, ids: readonly NoticeId[]): void {
    let settled = false;
    const settle = (outcome: NoticeOutcome) => {
      if (settled) return;
      settled = true;
      reportNotices(openid, ids, outcome);
    };
    // WeChat may have hung up already (it waits 5 s): then nothing will be written.
    if (res.destroyed) {
      settle('not_delivered');
      return;
    }
    res.once('finish', () => settle('delivered'));
    res.once('close', () => settle(res.writableFinished ? 'delivered' : 'not_delivered'));
  }

  /** Tells the engine what became of notices; whatever the bot does, nothing rejects here. */
  function reportNotices(openid: string, ids: readonly NoticeId[], outcome: NoticeOutcome): void {
    const failed = (err: unknown) => logger.error({ err, outcome }, 'webhook: notice delivery not reported');
    try {
      Promise.resolve(bot.noticesSettled({ channel: 'official_account', id: openid }, ids, outcome)).catch(failed);
    } catch (err) {
      failed(err);
    }
  }

  /**
   * Runs the engine exactly once per message key; retries get the same passive reply (rendered
   * again from the same data). A retry that comes while the first delivery is being looked up or
   * answered waits on its promise.
   */
  function answerOnce(message: WechatMessage, logs: { log: Logger }): Promise<StoredReply> {
    const key = `wx:${wc.appId}:${dedupeKey(message)}`;
    const pending = inFlight.get(key);
    if (pending) return pending;
    if (local) return localStoredOrAnswered(local, key, message, logs);
    // Kept for the dedupe TTL by whatever store this is: its own copy, not a view into the request
    // body (see ownString).
    const own = ownString(key);
    const run = storedOrAnswered(own, message, logs);
    inFlight.set(own, run);
    return run;
  }

  /**
   * storedOrAnswered for an in-process store, with no promise for the lookup or the write and
   * none between the engine's answer and the reply. The reply's promise is registered as in
   * flight before the answer is asked for (it may come at once: a message with nothing for the
   * engine), and unregistered when the answer comes.
   */
  function localStoredOrAnswered(store: LocalKeyValueStore<StoredReply>, key: string, message: WechatMessage, logs: { log: Logger }): Promise<StoredReply> {
    let stored: StoredReply | undefined;
    try {
      stored = store.peek(key);
    } catch (err) {
      readFailed(logs, err);
    }
    if (stored) return Promise.resolve(stored);
    let settle!: (reply: StoredReply) => void;
    let fail!: (err: unknown) => void;
    const run = new Promise<StoredReply>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    inFlight.set(key, run);
    try {
      answer(message, logs, (passive) => {
        inFlight.delete(key);
        try {
          store.put(key, passive, wc.dedupeTtlSeconds);
        } catch (err) {
          writeFailed(logs, err);
        }
        settle(passive);
      });
    } catch (err) {
      inFlight.delete(key);
      fail(err);
    }
    return run;
  }

  /**
   * The stored answer, or the engine's. A dedupe store that fails costs the dedupe, never the
   * message: answering 'success' would stop WeChat's retries and the citizen's message would be
   * lost, where a retry answered twice is only a repeated reply.
   */
  async function storedOrAnswered(key: string, message: WechatMessage, logs: { log: Logger }): Promise<StoredReply> {
    try {
      let stored: StoredReply | undefined;
      try {
        stored = await lookUp(key);
      } catch (err) {
        readFailed(logs, err);
      }
      if (stored) return stored;
      const passive = await new Promise<StoredReply>((resolve) => answer(message, logs, resolve));
      try {
        await dedupe.set(key, passive, wc.dedupeTtlSeconds);
      } catch (err) {
        writeFailed(logs, err);
      }
      return passive;
    } finally {
      inFlight.delete(key);
    }
  }

  /**
   * The store's answer as a promise even when the store throws at once, so that storedOrAnswered
   * always yields before anything else can fail in it: it must not settle (and unregister itself
   * in its finally) before answerOnce has registered it, or it would stay registered for good.
   */
  function lookUp(key: string): Promise<StoredReply | undefined> {
    try {
      return dedupe.get(key);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Calls `done` exactly once with the passive reply: the engine's first part within the budget,
   * or NOTHING (nothing for the engine in this message, the budget ran out, the engine failed;
   * at once in the first case). Later answers and further parts go by customer service. `done`
   * must not throw. A callback rather than a promise: the local path turns the answer into the
   * reply in the same job as the engine's answer arrives.
   */
  function answer(message: WechatMessage, logs: { log: Logger }, done: (passive: StoredReply) => void): void {
    const input = toBotInput(message);
    if (!input) {
      done(NOTHING);
      return;
    }
    const pending = new PendingAnswer(message, logs, done);
    pending.budget = budgets.add(() => pending.timedOut());
    let handled: Promise<BotReply>;
    try {
      // A handler that returns a plain value works; one that throws before it returns a promise
      // fails like one that rejects.
      handled = Promise.resolve(bot.handle(input));
    } catch (err) {
      handled = Promise.reject(err);
    }
    handled.then((reply) => pending.replied(reply), (err: unknown) => pending.failed(err));
  }

  /**
   * One message waiting for the engine: the answer, a failure or the budget, whichever comes
   * first, calls `done`. Methods rather than closures made per message. Nothing here throws out
   * of a promise callback: an answer that cannot be used (no parts array, say) is a failure, so
   * the citizen gets the apology and the process its log line, never an unhandled rejection.
   */
  class PendingAnswer {
    private answered = false;
    private readonly started = performance.now();
    budget: { cancel(): void } | undefined;

    constructor(
      private readonly message: WechatMessage,
      private readonly logs: { log: Logger },
      private readonly done: (passive: StoredReply) => void,
    ) {}

    timedOut(): void {
      this.answered = true;
      this.done(NOTHING);
    }

    replied(reply: BotReply): void {
      const late = this.answered;
      let parts: BotReplyPart[];
      let first: StoredReply = NOTHING;
      try {
        parts = flatten(reply.parts);
        if (!late && parts[0]) first = addressed(parts[0], this.message);
      } catch (err) {
        this.failed(err);
        return;
      }
      this.budget?.cancel();
      metrics.handlerDuration.observe({ outcome: late ? 'late' : 'replied' }, seconds(this.started));
      if (late) {
        this.later(parts);
        return;
      }
      this.answered = true;
      this.done(first);
      if (parts.length > 1) this.later(parts.slice(1));
    }

    /** Parts sent by customer-service message; the notices they carry are reported part by part. */
    private later(parts: BotReplyPart[]): void {
      const openid = this.message.fromUser;
      const settle = noticesIn(parts).length === 0
        ? undefined
        : (ids: readonly NoticeId[], outcome: NoticeOutcome) => reportNotices(openid, ids, outcome);
      deliverLater(deps.client, openid, parts, this.logs, settle);
    }

    failed(err: unknown): void {
      this.budget?.cancel();
      metrics.handlerDuration.observe({ outcome: 'error' }, seconds(this.started));
      this.logs.log.error({ err, kind: this.message.kind }, 'bot handler failed');
      if (!this.answered) {
        this.answered = true;
        this.done(NOTHING);
      }
      deliverLater(deps.client, this.message.fromUser, [{ type: 'text', text: APOLOGY }], this.logs);
    }
  }

  return {
    path: PATH,
    close() {
      budgets.close();
    },
    matches(url) {
      if (!url || !url.startsWith(PATH)) return false;
      const next = url.charCodeAt(PATH.length);
      // '/wechat', '/wechat?…', '/wechat/' and '/wechat/?…' (Koa's router was not strict either).
      return Number.isNaN(next) || next === 63 /* ? */ || (next === 47 /* / */ && (url.length === PATH.length + 1 || url.charCodeAt(PATH.length + 1) === 63));
    },
    handle(req, res) {
      // serve() never rejects: it answers every failure itself.
      void serve(req, res, requestIdFrom(req.headers['x-request-id']));
    },
  };
}

/** A dedupe store that failed costs the dedupe, never the message (see storedOrAnswered). */
function readFailed(logs: { log: Logger }, err: unknown): void {
  logs.log.error({ err, code: 'DEDUPE_STORE_FAILED' }, 'dedupe store read failed; answering without it');
}

function writeFailed(logs: { log: Logger }, err: unknown): void {
  logs.log.error({ err, code: 'DEDUPE_STORE_FAILED' }, 'dedupe store write failed; a retry will be answered again');
}

/** Seconds since a performance.now() reading (monotonic; no BigInt to allocate, unlike hrtime.bigint). */
function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

/**
 * Texts over WeChat's 2048-byte cut become several parts, cut on character boundaries. The
 * notices a text carries go with its last piece: delivered only when all of it was.
 */
function flatten(parts: BotReplyPart[]): BotReplyPart[] {
  const out: BotReplyPart[] = [];
  for (const p of parts) {
    if (p.type !== 'text') {
      out.push(p);
      continue;
    }
    const chunks = splitText(p.text);
    // A text within the cut stays the part it was (no copy to keep in the dedupe store).
    if (chunks.length === 1 && chunks[0] === p.text) {
      out.push(p);
      continue;
    }
    for (const chunk of chunks) out.push({ type: 'text', text: chunk });
    const last = out[out.length - 1];
    if (p.notices && last?.type === 'text' && chunks.length > 0) out[out.length - 1] = { ...last, notices: p.notices };
  }
  return out;
}

/** The passive reply a stored answer stands for ('success' as it is, a reply part rendered), as UTF-8 bytes. */
function passiveXml(stored: StoredReply): ByteString {
  return 'body' in stored ? utf8Bytes(stored.body) : renderPart(stored.part, stored);
}

function renderPart(part: BotReplyPart, to: Readonly<ReplyContext>): ByteString {
  const reply: Reply = part.type === 'text'
    ? { type: 'text', content: part.text }
    : part.type === 'news'
      ? { type: 'news', articles: part.articles }
      : { type: 'transfer_customer_service' };
  return renderReplyBytes(reply, to);
}
