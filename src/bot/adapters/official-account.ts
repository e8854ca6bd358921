// The official-account webhook: GET/POST /wechat. A thin adapter: verify, decrypt, parse, hand the
// message to the engine once, answer within WeChat's budget, deliver the rest through the
// customer-service API. It never answers WeChat with a 5xx.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AppConfig } from '../../config/index.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../../platform/metrics.js';
import type { KeyValueStore } from '../../platform/stores.js';
import { readText } from '../../http/body.js';
import { AppError } from '../../platform/errors.js';
import {
  checkSignature, WechatCrypto, scanXml, parseMessage, dedupeKey, isEvent,
  renderReply, splitText, NO_REPLY, WechatProtocolError, type WechatClient, type WechatMessage, type Reply,
} from '../../wechat/index.js';
import type { Bot, BotReplyPart } from '../types.js';
import { toBotInput } from './wechat-input.js';
import { deliverLater } from './customer-service.js';

/** The plaintext passive reply stored for retries ('success' when the answer went out later). */
export interface StoredReply {
  body: string;
}

export interface WebhookDeps {
  config: AppConfig;
  logger: Logger;
  metrics: Metrics;
  bot: Bot;
  client: Pick<WechatClient, 'messageCustomSend'>;
  dedupe: KeyValueStore<StoredReply>;
}

const APOLOGY = '抱歉，刚才的消息没有处理成功，请稍后再发一次。如遇紧急情况请直接拨打110。';

const PROTOCOL_STATUS: Record<string, number> = { WECHAT_BAD_SIGNATURE: 401 };

function protocolError(err: WechatProtocolError): AppError {
  return new AppError(err.code, PROTOCOL_STATUS[err.code] ?? 400, '请求无效');
}

export function createWebhook(deps: WebhookDeps): Router {
  const { config, metrics, bot, dedupe } = deps;
  const wc = config.wechat;
  const crypto = wc.aesKey ? new WechatCrypto({ token: wc.token, encodingAESKey: wc.aesKey, appId: wc.appId }) : undefined;
  // Retries that arrive while the first delivery is still being handled wait on the same promise.
  const inFlight = new Map<string, Promise<string>>();
  const router = new Router();

  /** Checks signature and timestamp; returns the signed query values the AES check reuses. */
  function verify(ctx: Context): { timestamp: string; nonce: string } {
    ctx.state.wechat = true;
    const q = ctx.query;
    const signature = typeof q.signature === 'string' ? q.signature : '';
    const timestamp = typeof q.timestamp === 'string' ? q.timestamp : '';
    const nonce = typeof q.nonce === 'string' ? q.nonce : '';
    if (!checkSignature(wc.token, timestamp, nonce, signature)) {
      throw new AppError('WECHAT_BAD_SIGNATURE', 401, '签名无效');
    }
    const ts = Number(timestamp);
    if (!Number.isInteger(ts) || Math.abs(Date.now() / 1000 - ts) > wc.timestampToleranceSeconds) {
      throw new AppError('WECHAT_STALE_TIMESTAMP', 401, '时间戳无效');
    }
    return { timestamp, nonce };
  }

  router.get('/wechat', (ctx) => {
    verify(ctx);
    const echostr = ctx.query.echostr;
    ctx.type = 'text/plain';
    ctx.body = typeof echostr === 'string' ? echostr : '';
  });

  router.post('/wechat', async (ctx) => {
    const { timestamp, nonce } = verify(ctx);
    const body = await readText(ctx, wc.bodyLimitBytes);
    const aes = ctx.query.encrypt_type === 'aes';
    let message: WechatMessage;
    try {
      let xml = body;
      if (aes) {
        if (!crypto) throw new AppError('WECHAT_AES_NOT_CONFIGURED', 400, '未配置消息加密');
        const encrypt = scanXml(body, { maxBytes: wc.bodyLimitBytes }).Encrypt;
        const msgSignature = typeof ctx.query.msg_signature === 'string' ? ctx.query.msg_signature : '';
        if (!encrypt) throw new WechatProtocolError('WECHAT_BAD_XML', 'missing Encrypt');
        if (!crypto.checkMsgSignature(timestamp, nonce, encrypt, msgSignature)) {
          throw new WechatProtocolError('WECHAT_BAD_SIGNATURE', 'msg_signature mismatch');
        }
        xml = crypto.decrypt(encrypt);
      } else if (wc.requireEncryption) {
        throw new AppError('WECHAT_ENCRYPTION_REQUIRED', 400, '本公众号仅接受安全模式消息');
      }
      message = parseMessage(scanXml(xml, { maxBytes: wc.bodyLimitBytes }));
    } catch (err) {
      if (err instanceof WechatProtocolError) throw protocolError(err);
      throw err;
    }
    metrics.wechatMessages.inc({ kind: message.kind, mode: aes ? 'aes' : 'plain' });

    // ctx.state is passed, not ctx.state.log: the child logger is only made if something goes wrong.
    const plain = await answerOnce(message, ctx.state);
    if (plain === NO_REPLY) {
      ctx.type = 'text/plain';
      ctx.body = plain;
      return;
    }
    ctx.type = 'application/xml';
    // The reply is encrypted exactly when the request was (crypto exists: checked above).
    ctx.body = aes && crypto
      ? crypto.encryptReply(plain, String(Math.floor(Date.now() / 1000)), String(Math.floor(Math.random() * 1e10)))
      : plain;
  });

  /** Runs the engine exactly once per message key; retries get the same passive reply. */
  async function answerOnce(message: WechatMessage, logs: { log: Logger }): Promise<string> {
    const key = `wx:${wc.appId}:${dedupeKey(message)}`;
    const stored = await dedupe.get(key);
    if (stored) return stored.body;
    const pending = inFlight.get(key);
    if (pending) return pending;
    const run = answer(message, logs).then(async (body) => {
      await dedupe.set(key, { body }, wc.dedupeTtlSeconds);
      return body;
    }).finally(() => inFlight.delete(key));
    inFlight.set(key, run);
    return run;
  }

  /** Resolves with the passive reply within the budget; anything later goes by customer service. */
  function answer(message: WechatMessage, logs: { log: Logger }): Promise<string> {
    const input = toBotInput(message);
    if (!input) return Promise.resolve(NO_REPLY);
    const openid = message.fromUser;
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
    return new Promise<string>((resolve) => {
      let answered = false;
      const timer = setTimeout(() => {
        answered = true;
        resolve(NO_REPLY);
      }, wc.replyBudgetMs);
      bot.handle(input).then(
        (reply) => {
          clearTimeout(timer);
          const late = answered;
          metrics.handlerDuration.observe({ outcome: late ? 'late' : 'replied' }, elapsed());
          const parts = flatten(reply.parts);
          if (late) {
            deliverLater(deps.client, openid, parts, logs);
            return;
          }
          answered = true;
          const [first, ...rest] = parts;
          resolve(first ? renderPart(first, message) : NO_REPLY);
          if (rest.length) deliverLater(deps.client, openid, rest, logs);
        },
        (err: unknown) => {
          clearTimeout(timer);
          metrics.handlerDuration.observe({ outcome: 'error' }, elapsed());
          logs.log.error({ err, kind: message.kind }, 'bot handler failed');
          if (!answered) {
            answered = true;
            resolve(NO_REPLY);
          }
          deliverLater(deps.client, openid, [{ type: 'text', text: APOLOGY }], logs);
        },
      );
    });
  }

  return router;
}

/** Texts over WeChat's 2048-byte cut become several parts, cut on character boundaries. */
function flatten(parts: BotReplyPart[]): BotReplyPart[] {
  const out: BotReplyPart[] = [];
  for (const p of parts) {
    if (p.type === 'text') for (const chunk of splitText(p.text)) out.push({ type: 'text', text: chunk });
    else out.push(p);
  }
  return out;
}

function renderPart(part: BotReplyPart, message: WechatMessage): string {
  const reply: Reply = part.type === 'text'
    ? { type: 'text', content: part.text }
    : part.type === 'news'
      ? { type: 'news', articles: part.articles }
      : { type: 'transfer_customer_service' };
  return renderReply(reply, {
    toUser: message.fromUser,
    fromUser: message.toUser,
    createTime: Math.floor(Date.now() / 1000),
    maxArticles: isEvent(message) ? 8 : 1,
  });
}
