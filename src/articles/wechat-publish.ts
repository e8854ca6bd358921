// Publishing a published article to WeChat, on a publisher's request: its images are uploaded
// (media/uploadimg) and swapped in the HTML, its cover becomes a permanent material, a draft is
// added, then the draft is published (freepublish/submit, polled by `sweep`) or mass-sent to a
// tag or to all followers (within the configured daily quota). Every step's result is saved as
// soon as WeChat gives it, so a failed request resumes where it stopped: a recorded draft
// media_id is reused (never a second draft), a mass send carries the request's clientmsgid
// (never a second send), and a recorded publish_id / msg_id is never submitted again.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Op, UniqueConstraintError, type Transaction } from 'sequelize';
import type { Database } from '../db/index.js';
import type { Logger } from '../platform/logger.js';
import { WechatApiError, type UploadFile, type WechatClient } from '../wechat/index.js';
import type { ArticleHtmlCache } from './cache.js';
import { toArticle, type Article, type ArticleRepository } from './repository.js';
import { ArticleRuleError, assertCanArticle, type ArticleRuleOptions } from './rules.js';
import type { ArticleActor } from './types.js';
import { imageSources, isWechatImage, wechatContent } from './wechat-html.js';
import {
  CONTENT_IMAGE, COVER_IMAGE, ImageFetchError, fetchImageBytes, readCoverFile, resolveImage, toUploadFile,
} from './wechat-images.js';
import {
  defineArticleWechatModel, type ArticleWechatRow, type WechatChannel, type WechatRequestState, type WechatStep,
} from './wechat-models.js';
import { chinaDay, createMassQuota, type MassQuota } from './mass-quota.js';

/** The WeChat endpoints publishing uses. */
export type WechatPublishClient = Pick<WechatClient,
  'mediaUploadImg' | 'materialAddImage' | 'draftAdd' | 'freepublishSubmit' | 'freepublishGet' | 'massSendAllByTag' | 'massGet'>;

export interface WechatPublishDeps {
  db: Database;
  repo: ArticleRepository;
  cache: ArticleHtmlCache;
  options: ArticleRuleOptions;
  logger: Logger;
  client: WechatPublishClient;
  /** Config `publicOrigin`: relative image addresses are pages of this site; the 阅读原文 link. */
  publicOrigin: string;
  /** Config `wechat.massQuotaPerDay`. */
  massQuotaPerDay: number;
  /** Absolute path of the cover used when an article has none; null: such an article is refused. */
  defaultCover: string | null;
  now?: () => Date;
  /** How images are fetched (tests may pass their own). */
  fetch?: typeof fetch;
  /** Per image, body included. Default 15 s. */
  imageTimeoutMs?: number;
}

export interface WechatRequestInput {
  channel: WechatChannel;
  /** Mass send: the followers' tag; or `toAll`. */
  tagId?: number | undefined;
  toAll?: boolean | undefined;
}

export type { MassQuota };
export { chinaDay };

export interface WechatStepView {
  step: WechatStep;
  label: string;
  done: boolean;
  at: Date | null;
  /** What WeChat gave for it: a count, a media_id, a publish_id or msg_id, a status. */
  detail: string | null;
}

/** One request as the editor sees it: each step, WeChat's answers, the last failure. */
export interface WechatPublication {
  id: number;
  articleId: number;
  revision: number;
  channel: WechatChannel;
  channelLabel: string;
  tagId: number | null;
  toAll: boolean;
  requestedBy: number;
  state: WechatRequestState;
  stateLabel: string;
  steps: WechatStepView[];
  imagesUploaded: number;
  coverMediaId: string | null;
  draftMediaId: string | null;
  publishId: string | null;
  msgId: string | null;
  wechatStatus: string | null;
  statusLabel: string | null;
  articleUrl: string | null;
  error: { step: string | null; errcode: number | null; errmsg: string; hint: string | null; at: Date | null } | null;
  canRetry: boolean;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
}

export const WECHAT_CHANNEL_LABELS: Readonly<Record<WechatChannel, string>> = { draft: '只存草稿', freepublish: '发布（不推送）', mass: '群发' };
export const WECHAT_STATE_LABELS: Readonly<Record<WechatRequestState, string>> = {
  working: '处理中', failed: '未完成（可重试）', submitted: '已提交，等待微信结果', done: '已完成', rejected: '微信未通过',
};
const STEP_LABELS: Readonly<Record<WechatStep, string>> = {
  images: '上传正文图片', cover: '上传封面', draft: '加入草稿箱', submit: '提交发布或群发', status: '微信处理结果',
};
const FREEPUBLISH_LABELS: Readonly<Record<string, string>> = {
  0: '发布成功', 1: '发布中', 2: '原创校验未通过', 3: '发布失败', 4: '审核未通过', 5: '发布后已被删除', 6: '发布后已被封禁',
};
const MASS_LABELS: Readonly<Record<string, string>> = { SEND_SUCCESS: '群发成功', SENDING: '群发中', SEND_FAIL: '群发失败', DELETE: '群发后已删除' };
/** What the editor can do about WeChat's commonest refusals. */
const ERRCODE_HINTS: Readonly<Record<number, string>> = {
  [-1]: '连接微信失败或微信繁忙，请稍后重试',
  45028: '今天的群发次数已在微信用完，请明天再试',
  40007: '微信不认这个素材或草稿，请重新发起',
  40050: '这个用户标签不存在',
  45009: '接口调用次数已达上限，请明天再试',
  48001: '公众号没有这个接口的权限',
  40009: '图片太大',
  40005: '图片格式不对',
};

/** A step that cannot go on for a reason of ours; the message is for the editor. */
class StepError extends Error {}

/** Milliseconds a run may hold a request before another may take it over. */
const LEASE_MS = 10 * 60 * 1000;
const UNFINISHED: WechatRequestState[] = ['working', 'failed', 'submitted'];
/** WeChat's digest limit (characters). */
const DIGEST_MAX = 120;

const notFound = () => new ArticleRuleError('ARTICLE_NOT_FOUND', 404, '没有找到这篇文章');
const requestNotFound = () => new ArticleRuleError('ARTICLE_WECHAT_NOT_FOUND', 404, '没有找到这个微信发布请求');
const notPublished = () => new ArticleRuleError('ARTICLE_WECHAT_NOT_PUBLISHED', 409, '只有已发布的文章才能发到微信');
const noCover = () => new ArticleRuleError('ARTICLE_WECHAT_NO_COVER', 409, '文章没有封面图，请先设置封面再发到微信');
const pending = () => new ArticleRuleError('ARTICLE_WECHAT_PENDING', 409, '这篇文章的这一版已有一个同类的微信请求尚未完成，请查看或重试它');
const busy = () => new ArticleRuleError('ARTICLE_WECHAT_BUSY', 409, '这个请求正在处理中，请稍后再看');
const notRetryable = () => new ArticleRuleError('ARTICLE_WECHAT_NOT_RETRYABLE', 409, '这个请求已提交给微信或已结束，不需要重试');
const quotaMessage = (perDay: number) => perDay === 0
  ? '没有配置群发次数，不能群发；可以改用“发布”（不推送给关注者）'
  : `今天的群发次数已用完（每天 ${perDay} 次），请明天再发，或改用“发布”（不推送给关注者）`;

function parseImages(text: string): Map<string, string> {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return new Map();
    return new Map(Object.entries(v as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return new Map();
  }
}

export function createWechatPublisher(deps: WechatPublishDeps) {
  const { db, repo, cache, options, client, publicOrigin } = deps;
  const logger = deps.logger.child({ component: 'wechat-publish' });
  const Requests = defineArticleWechatModel(db.sequelize);
  const clock = deps.now ?? (() => new Date());
  const perDay = deps.massQuotaPerDay;
  // The account's one quota ledger, shared with the alerts' mass sends (mass-quota.ts).
  const ledger = createMassQuota(db.sequelize, perDay, clock);
  /** A request holds its slot under its clientmsgid, known before the row is written. */
  const holderOf = (clientMsgId: string) => `article:${clientMsgId}`;
  const imageTimeoutMs = deps.imageTimeoutMs ?? 15_000;
  const fetchOpts = (maxBytes: number) => ({ maxBytes, timeoutMs: imageTimeoutMs, ...(deps.fetch ? { fetch: deps.fetch } : {}) });

  async function articleOf(id: number): Promise<Article> {
    const row = await repo.byId(id);
    if (!row) throw notFound();
    return toArticle(row);
  }

  async function quota(now = clock()): Promise<MassQuota> {
    return ledger.usage(chinaDay(now));
  }

  /** Gives a mass request a slot of today's quota (a retry on a later day takes one of that day). */
  async function ensureSlot(row: ArticleWechatRow, day: string): Promise<void> {
    if (row.quotaDay === day) return;
    for (let i = 0; i < 3; i += 1) {
      try {
        const slot = await db.transaction(async (t) => {
          await ledger.release(holderOf(row.clientMsgId), t);
          return ledger.take(day, holderOf(row.clientMsgId), t);
        });
        if (slot === undefined) throw new StepError(quotaMessage(perDay));
        await Requests.update({ quotaDay: day, quotaSlot: slot }, { where: { id: row.id } });
        row.set({ quotaDay: day, quotaSlot: slot });
        return;
      } catch (err) {
        if (!(err instanceof UniqueConstraintError)) throw err;
      }
    }
    throw new StepError('同时有别的群发请求，请稍后重试');
  }

  async function coverFile(article: Article): Promise<UploadFile> {
    if (article.coverUrl) {
      const data = await fetchImageBytes(article.coverUrl, resolveImage(article.coverUrl, publicOrigin), fetchOpts(COVER_IMAGE.maxBytes));
      return toUploadFile(article.coverUrl, data, COVER_IMAGE, 'cover');
    }
    if (!deps.defaultCover) throw new StepError('文章没有封面图，请先设置封面再发到微信');
    const name = path.basename(deps.defaultCover);
    return toUploadFile(name, await readCoverFile(deps.defaultCover, COVER_IMAGE.maxBytes), COVER_IMAGE, 'cover');
  }

  async function save(row: ArticleWechatRow): Promise<void> {
    row.updatedAt = clock();
    await row.save();
  }

  async function recordFailure(row: ArticleWechatRow, step: WechatStep, err: unknown): Promise<void> {
    const wx = err instanceof WechatApiError ? err : undefined;
    const ours = err instanceof StepError || err instanceof ImageFetchError;
    const now = clock();
    row.state = 'failed';
    row.leaseUntil = null;
    row.errorStep = step;
    row.errorCode = wx ? wx.errcode : null;
    row.errorMessage = (wx ? wx.errmsg || `errcode ${wx.errcode}` : ours ? err.message : '内部错误，请稍后重试').slice(0, 600);
    row.errorAt = now;
    // WeChat refused the send outright: it used no quota, so neither does the request until retried.
    if (wx && !wx.local && step === 'submit' && row.channel === 'mass' && !row.msgId && wx.errcode > 0 && wx.errcode !== 45028) {
      row.quotaDay = null;
      row.quotaSlot = null;
      await ledger.release(holderOf(row.clientMsgId));
    }
    await save(row);
    const fields = { requestId: row.id, articleId: row.articleId, step, errcode: row.errorCode };
    if (wx || ours) logger.warn(fields, 'wechat publishing step failed');
    else logger.error({ ...fields, err }, 'wechat publishing step failed');
  }

  /** Runs the steps not done yet of a request this run holds; a failure is recorded, not thrown. */
  async function run(id: number): Promise<void> {
    const row = await Requests.findByPk(id);
    if (!row) return;
    let step: WechatStep = 'images';
    try {
      const article = await articleOf(row.articleId);
      if (article.state !== 'published') throw new StepError('文章已不是“已发布”状态，不能再发到微信');
      if (row.channel === 'mass' && !row.msgId) {
        step = 'submit';
        // Before any upload: without quota the request stops here, having called nothing.
        await ensureSlot(row, chinaDay(clock()));
        step = 'images';
      }
      if (!row.draftMediaId) {
        if (article.revision !== row.revision) throw new StepError('文章在发往微信之前又修改过，请重新发起');
        const html = await cache.html(article);
        const images = parseImages(row.images);
        if (!row.imagesAt) {
          for (const src of imageSources(html)) {
            if (isWechatImage(src) || images.has(src)) continue;
            const data = await fetchImageBytes(src, resolveImage(src, publicOrigin), fetchOpts(CONTENT_IMAGE.maxBytes));
            const { url } = await client.mediaUploadImg(toUploadFile(src, data, CONTENT_IMAGE, `image-${images.size + 1}`));
            images.set(src, url);
            row.images = JSON.stringify(Object.fromEntries(images));
            await save(row);
          }
          row.imagesAt = clock();
          await save(row);
        }
        step = 'cover';
        if (!row.coverMediaId) {
          const { mediaId, url } = await client.materialAddImage(await coverFile(article));
          row.coverMediaId = mediaId;
          row.coverUrl = url === '' ? null : url.slice(0, 1000);
          row.coverAt = clock();
          await save(row);
        }
        step = 'draft';
        const { mediaId } = await client.draftAdd([{
          title: article.title,
          author: article.author,
          digest: [...article.summary].slice(0, DIGEST_MAX).join(''),
          content: wechatContent(html, images, publicOrigin),
          content_source_url: `${publicOrigin}/articles/${article.slug}`,
          thumb_media_id: row.coverMediaId,
          need_open_comment: 0,
          only_fans_can_comment: 0,
        }]);
        row.draftMediaId = mediaId;
        row.draftAt = clock();
        await save(row);
      }
      if (row.channel === 'draft') {
        // The draft is the whole request: an editor opens it in WeChat's 草稿箱 to finish and send.
        row.state = 'done';
        row.finishedAt ??= clock();
        row.leaseUntil = null;
        await save(row);
        logger.info({ requestId: row.id, articleId: row.articleId, channel: row.channel }, 'article saved as a wechat draft');
        return;
      }
      step = 'submit';
      if (row.channel === 'freepublish') {
        if (!row.publishId) {
          const r = await client.freepublishSubmit(row.draftMediaId);
          row.publishId = r.publishId;
          row.msgDataId = r.msgDataId ?? null;
        }
      } else if (!row.msgId) {
        const target = row.toAll || row.tagId === null ? { isToAll: true as const } : { tagId: row.tagId };
        const r = await client.massSendAllByTag({ ...target, mpnewsMediaId: row.draftMediaId, clientMsgId: row.clientMsgId });
        row.msgId = r.msgId;
        row.msgDataId = r.msgDataId ?? null;
      }
      row.submittedAt ??= clock();
      row.state = 'submitted';
      row.leaseUntil = null;
      await save(row);
      logger.info({ requestId: row.id, articleId: row.articleId, channel: row.channel }, 'article submitted to wechat');
    } catch (err) {
      await recordFailure(row, step, err);
    }
  }

  /**
   * The rules' publisher check: the admin, or an editor who neither created the article nor wrote
   * a revision since its publication (or selfPublish); the writers read in `t` when given.
   */
  const assertPublisher = async (actor: ArticleActor, article: Article, t?: Transaction) =>
    assertCanArticle(actor, 'article.publish', { ...article, writers: await repo.writers(article.id, t) }, options);

  async function view(id: number): Promise<WechatPublication> {
    const row = await Requests.findByPk(id);
    if (!row) throw requestNotFound();
    return toPublication(row, clock());
  }

  /** Records the request (with a quota slot for a mass send), the article's row locked meanwhile. */
  async function record(actor: ArticleActor, articleId: number, input: WechatRequestInput): Promise<number> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await db.transaction(async (t) => {
          const locked = await repo.byId(articleId, t);
          if (!locked) throw notFound();
          const article = toArticle(locked);
          await assertPublisher(actor, article, t);
          if (article.state !== 'published') throw notPublished();
          if (!article.coverUrl && !deps.defaultCover) throw noCover();
          const open = await Requests.findOne({
            where: { articleId, channel: input.channel, revision: article.revision, state: { [Op.in]: UNFINISHED } }, transaction: t,
          });
          if (open) throw pending();
          const now = clock();
          const day = chinaDay(now);
          const clientMsgId = randomUUID();
          let slot: number | undefined;
          if (input.channel === 'mass') {
            slot = await ledger.take(day, holderOf(clientMsgId), t);
            if (slot === undefined) throw new ArticleRuleError('ARTICLE_WECHAT_QUOTA', 409, quotaMessage(perDay));
          }
          const row = await Requests.create({
            articleId, revision: article.revision, channel: input.channel,
            tagId: input.channel === 'mass' && !input.toAll ? input.tagId ?? null : null,
            toAll: input.channel === 'mass' && input.toAll === true, clientMsgId, requestedBy: actor.id,
            state: 'working', leaseUntil: new Date(now.getTime() + LEASE_MS), images: '{}', imagesAt: null, coverMediaId: null, coverUrl: null,
            coverAt: null, draftMediaId: null, draftAt: null, publishId: null, msgId: null, msgDataId: null, submittedAt: null,
            quotaDay: slot === undefined ? null : day, quotaSlot: slot ?? null, wechatStatus: null, wechatArticleId: null, articleUrl: null,
            finishedAt: null, errorStep: null, errorCode: null, errorMessage: null, errorAt: null, attempts: 1, createdAt: now, updatedAt: now,
          }, { transaction: t });
          return row.id;
        });
      } catch (err) {
        // Another instance took the same quota slot at the same moment: count again.
        if (!(err instanceof UniqueConstraintError) || attempt >= 2) throw err;
      }
    }
  }

  return {
    /**
     * A publisher asks for a published article to go to WeChat. The steps run at once; the answer
     * is the request as it stands (submitted, or failed at a step with WeChat's answer). Refused
     * without a step when the article is not published, a like request is unfinished, or (mass)
     * today's quota is used up.
     */
    async request(actor: ArticleActor, articleId: number, input: WechatRequestInput): Promise<WechatPublication> {
      const id = await record(actor, articleId, input);
      logger.info({ requestId: id, articleId, channel: input.channel, actorId: actor.id }, 'wechat publishing requested');
      await run(id);
      return view(id);
    },

    /** Resumes a failed request where it stopped (or one whose run died). */
    async retry(actor: ArticleActor, articleId: number, requestId: number): Promise<WechatPublication> {
      const row = await Requests.findOne({ where: { id: requestId, articleId } });
      if (!row) throw requestNotFound();
      await assertPublisher(actor, await articleOf(articleId));
      if (!UNFINISHED.includes(row.state as WechatRequestState) || row.state === 'submitted') throw notRetryable();
      const now = clock();
      const [claimed] = await Requests.update(
        { state: 'working', leaseUntil: new Date(now.getTime() + LEASE_MS), attempts: row.attempts + 1, updatedAt: now },
        { where: { id: requestId, [Op.or]: [{ state: 'failed' }, { state: 'working', leaseUntil: { [Op.lt]: now } }] } },
      );
      if (claimed === 0) throw busy();
      await run(requestId);
      return view(requestId);
    },

    /** The article's requests, newest first, and today's mass-send quota. */
    async list(actor: ArticleActor, articleId: number): Promise<{ requests: WechatPublication[]; quota: MassQuota }> {
      assertCanArticle(actor, 'article.read', await articleOf(articleId), options);
      const now = clock();
      const rows = await Requests.findAll({ where: { articleId }, order: [['id', 'DESC']] });
      return { requests: rows.map((r) => toPublication(r, now)), quota: await quota(now) };
    },

    quota: (now?: Date) => quota(now),

    /**
     * Asks WeChat how each submitted request ended (freepublish/get, message/mass/get); the web
     * server runs it every minute. Returns the ids of the requests that finished.
     */
    async sweep(now = clock()): Promise<number[]> {
      const finished: number[] = [];
      const rows = await Requests.findAll({ where: { state: 'submitted' }, order: [['id', 'ASC']], limit: 50 });
      for (const row of rows) {
        try {
          if (row.channel === 'freepublish' && row.publishId) {
            const st = await client.freepublishGet(row.publishId);
            row.wechatStatus = String(st.status);
            if (st.status === 0) {
              row.state = 'done';
              row.wechatArticleId = st.articleId;
              row.articleUrl = st.articles[0]?.url ?? null;
            } else if (st.status !== 1) {
              row.state = 'rejected';
              row.errorStep = 'status';
              row.errorCode = null;
              row.errorMessage = FREEPUBLISH_LABELS[st.status] ?? `publish_status ${st.status}`;
              row.errorAt = now;
            }
          } else if (row.channel === 'mass' && row.msgId) {
            const st = await client.massGet(row.msgId);
            row.wechatStatus = st.status;
            if (st.status === 'SEND_SUCCESS' || st.status === 'DELETE') row.state = 'done';
            if (st.status === 'SEND_FAIL') {
              row.state = 'rejected';
              row.errorStep = 'status';
              row.errorCode = null;
              row.errorMessage = MASS_LABELS.SEND_FAIL ?? 'SEND_FAIL';
              row.errorAt = now;
            }
          }
          if (row.state !== 'submitted') {
            row.finishedAt = now;
            finished.push(row.id);
          }
          row.updatedAt = now;
          await row.save();
        } catch (err) {
          // The request stays submitted: the next sweep asks again. The failure is shown meanwhile.
          const wx = err instanceof WechatApiError ? err : undefined;
          logger.warn({ requestId: row.id, errcode: wx?.errcode ?? null }, 'asking wechat for a publishing outcome failed');
          row.errorStep = 'status';
          row.errorCode = wx ? wx.errcode : null;
          row.errorMessage = (wx ? wx.errmsg : '查询微信结果失败').slice(0, 600);
          row.errorAt = now;
          row.updatedAt = now;
          await row.save();
        }
      }
      if (finished.length) logger.info({ finished }, 'wechat publishing requests finished');
      return finished;
    },
  };
}

export type WechatPublisher = ReturnType<typeof createWechatPublisher>;

function toPublication(row: ArticleWechatRow, now: Date): WechatPublication {
  const channel: WechatChannel = row.channel === 'mass' || row.channel === 'draft' ? row.channel : 'freepublish';
  const state = row.state as WechatRequestState;
  const images = parseImages(row.images).size;
  const statusLabel = row.wechatStatus === null ? null
    : (channel === 'mass' ? MASS_LABELS[row.wechatStatus] : FREEPUBLISH_LABELS[row.wechatStatus]) ?? row.wechatStatus;
  const finished = state === 'done' || state === 'rejected';
  const steps: WechatStepView[] = [
    { step: 'images', label: STEP_LABELS.images, done: row.imagesAt !== null, at: row.imagesAt, detail: `${images} 张` },
    { step: 'cover', label: STEP_LABELS.cover, done: row.coverMediaId !== null, at: row.coverAt, detail: row.coverMediaId },
    { step: 'draft', label: STEP_LABELS.draft, done: row.draftMediaId !== null, at: row.draftAt, detail: row.draftMediaId },
    // A draft-only request ends with its draft: nothing is submitted, no outcome to wait for.
    ...(channel === 'draft' ? [] : [
      { step: 'submit' as const, label: STEP_LABELS.submit, done: row.submittedAt !== null, at: row.submittedAt, detail: row.publishId ?? row.msgId },
      { step: 'status' as const, label: STEP_LABELS.status, done: finished, at: row.finishedAt, detail: statusLabel },
    ]),
  ];
  const stuck = state === 'working' && row.leaseUntil !== null && row.leaseUntil.getTime() < now.getTime();
  return {
    id: row.id, articleId: row.articleId, revision: row.revision, channel, channelLabel: WECHAT_CHANNEL_LABELS[channel],
    tagId: row.tagId, toAll: row.toAll, requestedBy: row.requestedBy, state, stateLabel: WECHAT_STATE_LABELS[state] ?? row.state, steps,
    imagesUploaded: images, coverMediaId: row.coverMediaId, draftMediaId: row.draftMediaId, publishId: row.publishId, msgId: row.msgId,
    wechatStatus: row.wechatStatus, statusLabel, articleUrl: row.articleUrl,
    error: row.errorMessage === null ? null : {
      step: row.errorStep, errcode: row.errorCode, errmsg: row.errorMessage,
      hint: row.errorCode === null ? null : ERRCODE_HINTS[row.errorCode] ?? null, at: row.errorAt,
    },
    canRetry: state === 'failed' || stuck, attempts: row.attempts, createdAt: row.createdAt, updatedAt: row.updatedAt,
  };
}
