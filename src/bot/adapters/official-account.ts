// The official-account webhook: GET/POST /wechat, a Koa route behind the same middleware as every
// other route (request id, access log, metrics, the error boundary). A thin adapter: verify,
// decrypt, parse, hand the message to the engine once across every instance, answer within
// WeChat's budget, deliver the rest through the customer-service API. It never answers WeChat
// with a 5xx: WeChat would retry and then tell the citizen the account is broken.
import Router from '@koa/router';
import type { Context } from 'koa';
import { isUtf8 } from 'node:buffer';
import type { AppConfig } from '../../config/index.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../../platform/metrics.js';
import type { JsonView } from '../../platform/shared-store.js';
import { readRequestBody } from '../../http/body.js';
import { logFailure, toAppError } from '../../http/middleware.js';
import { AppError, badRequest } from '../../platform/errors.js';
import {
  checkSignature, WechatCrypto, scanXmlBytes, parseMessage, dedupeKey, isEvent, renderReply, splitText, NO_REPLY,
  WechatProtocolError, type WechatClient, type WechatMessage, type Reply, type ReplyContext,
} from '../../wechat/index.js';
import type { Bot, BotInput, BotReplyPart, NoticeId, NoticeOutcome } from '../types.js';
import { toBotInput } from './wechat-input.js';
import { deliverLater, noticesIn } from './customer-service.js';

/**
 * What the dedupe store keeps for a message, for its retries: the passive reply as data,
 * rendered again when a retry comes ('success' when there was nothing to say, or the answer went
 * out later). No openid: a retry carries the same sender and account, and is answered to them.
 */
export type StoredReply =
  | { body: string }
  | (Pick<ReplyContext, 'createTime' | 'maxArticles'> & { part: BotReplyPart });

export interface WebhookDeps {
  config: AppConfig;
  logger: Logger;
  metrics: Metrics;
  bot: Bot;
  client: Pick<WechatClient, 'messageCustomSend'>;
  /** Replies by message key, shared by every instance; a claim marks a message being answered. */
  replies: JsonView<StoredReply>;
}

export const WEBHOOK_PATH = '/wechat';
const NOTHING: StoredReply = { body: NO_REPLY };
const APOLOGY = '抱歉，刚才的消息没有处理成功，请稍后再发一次。如遇紧急情况请直接拨打110。';
const ALLOW = 'GET, HEAD, POST';
/** How often a retry looks for the reply another delivery is working on. */
const POLL_MS = 50;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A query value given once; a key given twice is ambiguous (which signature was meant?) and reads as absent. */
function single(query: Context['query'], name: string): string {
  const v = query[name];
  return typeof v === 'string' ? v : '';
}

export function webhookRouter(deps: WebhookDeps): Router {
  const { config, logger, metrics, bot, replies } = deps;
  const wc = config.wechat;
  const crypto = wc.aesKey ? new WechatCrypto({ token: wc.token, encodingAESKey: wc.aesKey, appId: wc.appId }) : undefined;
  // A message being answered is claimed for the reply budget: WeChat's retry 5 s later finds the
  // claim of an instance that died mid-answer expired, and answers.
  const claimSeconds = wc.replyBudgetMs / 1000;

  function verify(query: Context['query']): { timestamp: string; nonce: string } {
    const timestamp = single(query, 'timestamp');
    const nonce = single(query, 'nonce');
    if (!checkSignature(wc.token, timestamp, nonce, single(query, 'signature'))) {
      throw new AppError('WECHAT_BAD_SIGNATURE', 401, '签名无效');
    }
    const ts = Number(timestamp);
    if (!Number.isInteger(ts) || Math.abs(Date.now() / 1000 - ts) > wc.timestampToleranceSeconds) {
      throw new AppError('WECHAT_STALE_TIMESTAMP', 401, '时间戳无效');
    }
    return { timestamp, nonce };
  }

  /** A POST's body as the message it carries: decrypted (safe mode) and parsed. */
  function readMessage(query: Context['query'], body: Buffer, aes: boolean, timestamp: string, nonce: string): WechatMessage {
    if (!isUtf8(body)) throw badRequest('BAD_ENCODING', '请求必须是 UTF-8 编码');
    try {
      let xml = body;
      if (aes) {
        if (!crypto) throw new AppError('WECHAT_AES_NOT_CONFIGURED', 400, '未配置消息加密');
        const encrypt = scanXmlBytes(body, { maxBytes: wc.bodyLimitBytes }).Encrypt;
        if (!encrypt) throw new WechatProtocolError('WECHAT_BAD_XML', 'missing Encrypt');
        if (!crypto.checkMsgSignature(timestamp, nonce, encrypt, single(query, 'msg_signature'))) {
          throw new WechatProtocolError('WECHAT_BAD_SIGNATURE', 'msg_signature mismatch');
        }
        xml = crypto.decryptBytes(encrypt);
      } else if (wc.requireEncryption) {
        throw new AppError('WECHAT_ENCRYPTION_REQUIRED', 400, '本公众号仅接受安全模式消息');
      }
      return parseMessage(scanXmlBytes(xml, { maxBytes: wc.bodyLimitBytes }));
    } catch (err) {
      if (err instanceof WechatProtocolError) throw new AppError(err.code, err.code === 'WECHAT_BAD_SIGNATURE' ? 401 : 400, '请求无效');
      throw err;
    }
  }

  /** The engine's emergency answer to this message, if it tells of danger; never throws. */
  function urgentPart(input: BotInput): BotReplyPart | undefined {
    try {
      return bot.urgent?.(input);
    } catch (err) {
      logger.error({ err }, 'webhook: emergency answer failed');
      return undefined;
    }
  }

  /** Tells the engine what became of notices; nothing rejects here. */
  function reportNotices(openid: string, ids: readonly NoticeId[], outcome: NoticeOutcome): void {
    const failed = (err: unknown) => logger.error({ err, outcome }, 'webhook: notice delivery not reported');
    try {
      Promise.resolve(bot.noticesSettled({ channel: 'official_account', id: openid }, ids, outcome)).catch(failed);
    } catch (err) {
      failed(err);
    }
  }

  /**
   * Notices in the passive reply count as delivered once every byte of the reply was handed to
   * the connection; a connection WeChat already closed leaves them for the next message.
   */
  function settleOnWrite(ctx: Context, openid: string, ids: readonly NoticeId[]): void {
    let settled = false;
    const settle = (outcome: NoticeOutcome) => {
      if (settled) return;
      settled = true;
      reportNotices(openid, ids, outcome);
    };
    const res = ctx.res;
    if (res.destroyed) {
      settle('not_delivered');
      return;
    }
    res.once('finish', () => settle('delivered'));
    res.once('close', () => settle(res.writableFinished ? 'delivered' : 'not_delivered'));
  }

  /**
   * The engine's answer within the budget: its first part is the passive reply, the rest (and a
   * late answer) go by customer-service message. A failure gets the apology that way too.
   */
  async function answer(message: WechatMessage, log: Logger): Promise<StoredReply> {
    const input = toBotInput(message);
    if (!input) return NOTHING;
    const started = performance.now();
    const openid = message.fromUser;
    const later = (parts: BotReplyPart[]) => {
      const settle = noticesIn(parts).length === 0 ? undefined : (ids: readonly NoticeId[], o: NoticeOutcome) => reportNotices(openid, ids, o);
      deliverLater(deps.client, openid, parts, { log }, settle);
    };
    // Set when the budget runs out, before anything awaits the race: an answer that comes in the
    // same moment then goes by customer service rather than nowhere.
    let timedOut = false;
    // Someone in danger whose answer is late (the turn waits for their previous message, or for
    // a slow database) gets the number as the passive reply, not nothing (Bot.urgent).
    let urgent: BotReplyPart | undefined;
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        timedOut = true;
        urgent = urgentPart(input);
        resolve('timeout');
      }, wc.replyBudgetMs);
    });
    // An answer that cannot be used (no parts array, say) fails like a handler that throws.
    const handled = (async () => flatten((await bot.handle(input)).parts))().then(
      (parts) => {
        metrics.handlerDuration.observe({ outcome: timedOut ? 'late' : 'replied' }, seconds(started));
        // The number the passive reply already gave is not sent again.
        if (timedOut) later(urgent && sameText(parts[0], urgent) ? parts.slice(1) : parts);
        return parts;
      },
      (err: unknown) => {
        metrics.handlerDuration.observe({ outcome: 'error' }, seconds(started));
        log.error({ err, kind: message.kind }, 'bot handler failed');
        later([{ type: 'text', text: APOLOGY }]);
        return [] as BotReplyPart[];
      },
    );
    const first = await Promise.race([handled, budget]);
    clearTimeout(timer);
    if (first === 'timeout') return urgent ? { part: urgent, createTime: Math.floor(Date.now() / 1000), maxArticles: 1 } : NOTHING;
    const [passive, ...rest] = first;
    if (rest.length > 0) later(rest);
    if (!passive) return NOTHING;
    return { part: passive, createTime: Math.floor(Date.now() / 1000), maxArticles: isEvent(message) ? 8 : 1 };
  }

  /**
   * Runs the engine once per message across every instance. The first delivery claims the
   * message (for the reply budget) and replaces the claim with the reply; a retry, here or on
   * another instance, gets the stored reply or waits for it within the budget. A claim left by an
   * instance that died expires, and the next retry answers. A store
   * that fails costs the dedupe, never the message: a retry answered twice is a repeated reply,
   * where 'success' would lose the citizen's message.
   */
  async function answerOnce(message: WechatMessage, log: Logger): Promise<StoredReply> {
    const entry = replies.entry(`${wc.appId}:${dedupeKey(message)}`);
    const deadline = Date.now() + wc.replyBudgetMs;
    const answerAndStore = async () => {
      const reply = await answer(message, log);
      try {
        await entry.set(reply, wc.dedupeTtlSeconds);
      } catch (err) {
        storeFailed(log, err, 'write');
        // Without it a retry would wait out the claim: let the retry answer again.
        await entry.delete().catch(() => undefined);
      }
      return reply;
    };
    for (;;) {
      let claimed: boolean;
      try {
        claimed = await entry.claim(claimSeconds);
      } catch (err) {
        storeFailed(log, err, 'claim');
        return answerAndStore();
      }
      if (claimed) return answerAndStore();
      const stored = await entry.get().catch((err: unknown) => storeFailed(log, err, 'read'));
      if (stored) return stored;
      // Still claimed: being answered elsewhere (or gone meanwhile: claim it on the next turn).
      if (Date.now() + POLL_MS > deadline) return NOTHING;
      await sleep(POLL_MS);
    }
  }

  const router = new Router();
  router.all(WEBHOOK_PATH, async (ctx) => {
    try {
      const query = ctx.query;
      if (ctx.method === 'POST') {
        const { timestamp, nonce } = verify(query);
        const body = await readRequestBody(ctx.req, wc.bodyLimitBytes);
        const aes = single(query, 'encrypt_type') === 'aes';
        const message = readMessage(query, body, aes, timestamp, nonce);
        metrics.wechatMessages.inc({ kind: message.kind, mode: aes ? 'aes' : 'plain' });
        const passive = await answerOnce(message, ctx.state.log);
        const xml = 'body' in passive ? passive.body : renderPart(passive.part, { ...passive, toUser: message.fromUser, fromUser: message.toUser });
        if ('part' in passive && passive.part.type === 'text' && passive.part.notices) settleOnWrite(ctx, message.fromUser, passive.part.notices);
        ctx.status = 200;
        if (xml === NO_REPLY) {
          ctx.type = 'text/plain; charset=utf-8';
          ctx.body = xml;
        } else {
          ctx.type = 'application/xml; charset=utf-8';
          // Encrypted exactly when the request was (readMessage refused aes without crypto).
          ctx.body = aes && crypto ? crypto.encryptReply(xml, String(Math.floor(Date.now() / 1000)), randomNonce()) : xml;
        }
      } else if (ctx.method === 'GET' || ctx.method === 'HEAD') {
        verify(query);
        ctx.type = 'text/plain; charset=utf-8';
        ctx.body = single(query, 'echostr');
      } else {
        ctx.set('Allow', ALLOW);
        if (ctx.method !== 'OPTIONS') throw new AppError('METHOD_NOT_ALLOWED', 405, '不支持的请求方法');
        ctx.type = 'text/plain; charset=utf-8';
        ctx.body = ALLOW;
      }
    } catch (err) {
      // The error boundary answers (and logs) what WeChat can act on (4xx); a fault of ours is
      // logged here and answered 'success'.
      const appErr = toAppError(err);
      if (appErr.status < 500) throw appErr;
      logFailure(ctx.state.log, err);
      ctx.status = 200;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = NO_REPLY;
    }
  });
  // '/wechat/' too (the router is not strict).
  return router;
}

function storeFailed(log: Logger, err: unknown, op: 'read' | 'write' | 'claim'): undefined {
  log.error({ err, op, code: 'DEDUPE_STORE_FAILED' }, 'dedupe store failed; answering without it');
  return undefined;
}

function randomNonce(): string {
  return String(Math.floor(Math.random() * 1e10));
}

function sameText(a: BotReplyPart | undefined, b: BotReplyPart): boolean {
  return a?.type === 'text' && b.type === 'text' && a.text === b.text && !a.notices;
}

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

function renderPart(part: BotReplyPart, to: Readonly<ReplyContext>): string {
  const reply: Reply = part.type === 'text'
    ? { type: 'text', content: part.text }
    : part.type === 'news'
      ? { type: 'news', articles: part.articles }
      : { type: 'transfer_customer_service' };
  return renderReply(reply, to);
}
