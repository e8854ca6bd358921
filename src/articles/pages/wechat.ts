// The editor page's 「发到微信公众号」 section and its two form posts: POST /staff/articles/:id/wechat
// (a new request: 发布, or 群发 to all followers or to one tag) and POST
// /staff/articles/:id/wechat/:requestId/retry. The publisher (wechat-publish.ts) decides who may
// ask and runs the steps, as for the JSON API; the page only words its answers. A request the
// publisher ran is Post/Redirect/Get back to the editor with a fixed message (`?wechat=<key>`); a
// refusal (quota used up, a like request unfinished, not a publisher, bad input) shows the editor
// again with the publisher's own message and the choices kept.
import Router from '@koa/router';
import type { Context } from 'koa';
import { toAppError } from '../../http/middleware.js';
import { requireStaffPage } from '../../staff/pages/guard.js';
import { parseInput } from '../../tips/validation.js';
import { readForm } from '../../web/index.js';
import type { Article } from '../repository.js';
import { ArticleRuleError, canArticle } from '../rules.js';
import type { ArticleActor, ArticleFacts } from '../types.js';
import type { WechatStep } from '../wechat-models.js';
import type { WechatPublication } from '../wechat-publish.js';
import { wechatRequestSchema } from '../wechat-routes.js';
import { ARTICLES_PATH, actorOf, articleIdOf, redirect } from './common.js';
import type { EditorWithWechat } from './editor.js';
import type { ArticlePageDeps } from './index.js';

/** A message the section shows at its top. */
export interface WechatMessage { kind: 'ok' | 'error' | 'info'; text: string }

/** The choices of the 群发 form as posted, kept when the editor comes back with a refusal. */
export interface WechatFormValues { target: string; tagId: string }

/** What a post leaves for the section when it shows the editor again instead of redirecting. */
export interface WechatSectionState {
  message: WechatMessage;
  form?: WechatFormValues;
  /** The tag field's own mistake. */
  tagError?: string;
}

/** What each post's redirect says (`?wechat=<key>`): fixed texts, so a URL can show nothing else. */
export const WECHAT_MESSAGES = {
  submitted: { kind: 'ok', text: '已经交给微信。微信处理要几分钟，服务器每分钟去问一次结果，请稍后刷新本页查看。' },
  done: { kind: 'ok', text: '微信已处理完成。只存草稿的，请到公众号后台的「草稿箱」里查看和发出。' },
  failed: { kind: 'error', text: '没有发完：出错的那一步和微信的回答写在下面。问题解决后可以点「重试」，已经做完的步骤不会重做。' },
  rejected: { kind: 'error', text: '微信没有通过，原因写在下面。' },
  working: { kind: 'info', text: '正在处理，请稍后刷新本页查看。' },
} as const satisfies Record<string, WechatMessage>;

/** The request states that are not finished: a like request for the same version is refused meanwhile. */
const UNFINISHED = new Set(['working', 'failed', 'submitted']);

const STEP_LABELS: Readonly<Record<WechatStep, string>> = {
  images: '上传正文图片', cover: '上传封面图', draft: '存入公众号草稿箱', submit: '发布', status: '微信处理结果',
};

/** A step as the section shows it: its words and a class for its mark. */
interface StepView { label: string; status: 'done' | 'failed' | 'running' | 'waiting' | 'rejected' | 'todo'; text: string; at: Date | null }

interface RequestView {
  id: number;
  asked: string;
  revision: number;
  outdated: boolean;
  at: Date;
  by: string;
  status: 'running' | 'failed' | 'waiting' | 'done' | 'rejected';
  statusText: string;
  steps: StepView[];
  /** WeChat's answer (errcode and errmsg) or our own reason, for the step that failed. */
  error: { step: string; errcode: number | null; errmsg: string; hint: string | null } | null;
  /** A failed poll of a submitted request: asked again next minute. */
  pollError: { errcode: number | null; errmsg: string } | null;
  canRetry: boolean;
  attempts: number;
  articleUrl: string | null;
}

/** What was asked, in words. */
function askedOf(r: WechatPublication): string {
  if (r.channel === 'draft') return '只存草稿';
  if (r.channel === 'freepublish') return '发布';
  return r.toAll || r.tagId === null ? '群发给全部关注者' : `群发给标签 ${r.tagId} 的关注者`;
}

/** A request that stopped midway (a step failed, or its run died): the retry resumes it. */
const stopped = (r: WechatPublication) => r.state === 'failed' || (r.state === 'working' && r.canRetry);

function stepsOf(r: WechatPublication): StepView[] {
  const firstUndone = r.steps.find((s) => !s.done)?.step;
  return r.steps.map((s): StepView => {
    const label = s.step === 'submit' ? (r.channel === 'mass' ? '群发' : '提交发布') : STEP_LABELS[s.step];
    if (s.step === 'status') {
      if (r.state === 'done') return { label, status: 'done', text: r.statusLabel ?? '完成', at: s.at };
      if (r.state === 'rejected') return { label, status: 'rejected', text: r.statusLabel ?? '没有通过', at: s.at };
      if (r.state === 'submitted') {
        return { label, status: 'waiting', text: `正在等微信处理${r.statusLabel ? `（微信说：${r.statusLabel}）` : ''}`, at: null };
      }
    }
    if (s.done) return { label, status: 'done', text: s.step === 'images' ? `完成（${r.imagesUploaded} 张）` : '完成', at: s.at };
    if (stopped(r) && r.error?.step === s.step) return { label, status: 'failed', text: '出错了', at: r.error.at };
    if (r.state === 'working' && !r.canRetry && s.step === firstUndone) return { label, status: 'running', text: '正在进行', at: null };
    return { label, status: 'todo', text: '还没做', at: null };
  });
}

function statusOf(r: WechatPublication): Pick<RequestView, 'status' | 'statusText'> {
  switch (r.state) {
    case 'submitted': return { status: 'waiting', statusText: '正在等微信处理' };
    case 'done': return { status: 'done', statusText: r.channel === 'mass' ? '已群发' : r.channel === 'draft' ? '已存入公众号草稿箱' : '已发布到公众号' };
    case 'rejected': return { status: 'rejected', statusText: '微信没有通过' };
    case 'failed': return { status: 'failed', statusText: '没有发完，可以重试' };
    case 'working': return r.canRetry ? { status: 'failed', statusText: '处理中断了，可以重试' } : { status: 'running', statusText: '正在处理' };
  }
}

/** Only a web address becomes a link (what WeChat reports is not trusted to be one). */
const linkable = (url: string | null) => (url !== null && /^https?:\/\/[^\s"'<>]+$/.test(url) ? url : null);

function requestView(r: WechatPublication, article: Article, names: Map<number, string>): RequestView {
  const stepLabel = (step: string | null) => (step === 'submit' ? (r.channel === 'mass' ? '群发' : '提交发布') : STEP_LABELS[step as WechatStep] ?? '');
  const polling = r.state === 'submitted' && r.error !== null && r.error.step === 'status';
  return {
    id: r.id,
    asked: askedOf(r),
    revision: r.revision,
    outdated: r.revision !== article.revision,
    at: r.createdAt,
    by: names.get(r.requestedBy) ?? '工作人员',
    ...statusOf(r),
    steps: stepsOf(r),
    error: r.error && !polling && (stopped(r) || r.state === 'rejected')
      ? { step: stepLabel(r.error.step), errcode: r.error.errcode, errmsg: r.error.errmsg, hint: r.error.hint }
      : null,
    pollError: polling && r.error ? { errcode: r.error.errcode, errmsg: r.error.errmsg } : null,
    canRetry: r.canRetry,
    attempts: r.attempts,
    articleUrl: r.state === 'done' ? linkable(r.articleUrl) : null,
  };
}

/**
 * The section's data for `article`, or null when there is nothing to show (an article never
 * published that has no requests). The form is offered only to those the publisher lets ask, and
 * each kind only when the publisher would accept it now (no like request unfinished for this
 * version; for 群发, quota left today).
 */
export async function wechatSection(deps: ArticlePageDeps, ctx: Context, actor: ArticleActor, article: Article & Pick<ArticleFacts, 'writers'>, state?: WechatSectionState) {
  const { requests, quota } = await deps.wechatPublish.list(actor, article.id);
  const published = article.state === 'published';
  if (!published && requests.length === 0) return null;
  const names = await deps.staffNames(requests.map((r) => r.requestedBy));
  const key = ctx.query.wechat;
  const fromUrl: WechatMessage | undefined = typeof key === 'string' && Object.hasOwn(WECHAT_MESSAGES, key)
    ? WECHAT_MESSAGES[key as keyof typeof WECHAT_MESSAGES] : undefined;
  const message = state?.message ?? fromUrl;
  /** This version's unfinished request of `channel`: 'stopped' (a retry resumes it), 'running', or null. */
  const open = (channel: string) => {
    const r = requests.find((x) => x.channel === channel && x.revision === article.revision && UNFINISHED.has(x.state));
    return r ? (stopped(r) ? 'stopped' : 'running') : null;
  };
  const views = requests.map((r) => requestView(r, article, names));
  return {
    published,
    canAsk: published && canArticle(actor, 'article.publish', article, deps.options),
    draftOpen: open('draft'),
    publishOpen: open('freepublish'),
    massOpen: open('mass'),
    quota,
    message: message ?? null,
    form: state?.form ?? { target: 'all', tagId: '' },
    tagError: state?.tagError ?? null,
    // The newest few in full; older ones folded.
    recent: views.slice(0, 3),
    older: views.slice(3),
  };
}

/** The words for a 群发 without a clear choice of whom (also what the API's schema refusal becomes). */
const CHOOSE_TEXT = '群发之前，请选择群发给全部关注者，还是某个标签的关注者；选标签时要填标签编号。';

/**
 * The request the form asks for, as the API's body; the API's own schema checks it. The tag field's
 * own mistakes are the form's: a tag that is not a number, or a tag number beside 「全部关注者」
 * (sending to everyone what was meant for a tag cannot be undone, so neither is guessed).
 */
function inputOf(fields: Record<string, string>): { input: unknown; form: WechatFormValues; problem?: { message: string; tagError: string } } {
  const form = { target: fields.target ?? '', tagId: (fields.tagId ?? '').trim() };
  if (fields.channel !== 'mass') return { input: { channel: fields.channel ?? '' }, form };
  if (form.target === 'all' && form.tagId !== '') {
    const text = '选了「全部关注者」，又填了标签编号。要发给某个标签，请改选「某个标签的关注者」；要发给全部关注者，请把标签编号清空。';
    return { input: null, form, problem: { message: text, tagError: '选「全部关注者」时不填标签编号' } };
  }
  if (form.target === 'all') return { input: { channel: 'mass', toAll: true }, form };
  if (form.target !== 'tag') return { input: { channel: 'mass' }, form };
  if (!/^\d{1,9}$/.test(form.tagId)) return { input: null, form, problem: { message: CHOOSE_TEXT, tagError: '请填写标签的数字编号，例如 100' } };
  return { input: { channel: 'mass', tagId: Number(form.tagId) }, form };
}

export function wechatPages(deps: ArticlePageDeps, showEditor: EditorWithWechat): Router {
  const router = new Router();
  const guard = requireStaffPage(deps);
  const publisher = deps.wechatPublish;

  /** Back to the editor's section with the request's outcome in words. */
  const back = (ctx: Context, r: WechatPublication) => {
    const key = r.state === 'working' && r.canRetry ? 'failed' : r.state;
    redirect(ctx, `${ARTICLES_PATH}/${r.articleId}/edit?wechat=${key}#wechat`);
  };

  /** The editor again, as saved, with `state` in its WeChat section. */
  const refuse = async (ctx: Context, status: number, state: WechatSectionState) => {
    const { article } = await deps.service.get(actorOf(ctx), articleIdOf(ctx));
    await showEditor(ctx, article, state, status);
  };

  /**
   * Runs `fn`; a refusal shows the editor again with the publisher's message in the section and
   * the status the API gives. Not found and roles without article rights go to the error boundary.
   */
  async function orShowRefusal(ctx: Context, form: WechatFormValues | undefined, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      const e = toAppError(err);
      if (e.status === 404 || e.code === 'FORBIDDEN' || ![400, 403, 409].includes(e.status)) throw err;
      await refuse(ctx, e.status, {
        message: { kind: 'error', text: e.code === 'VALIDATION_FAILED' ? CHOOSE_TEXT : e.message }, ...(form ? { form } : {}),
      });
    }
  }

  router.post(`${ARTICLES_PATH}/:id/wechat`, guard, async (ctx) => {
    const id = articleIdOf(ctx);
    const fields = await readForm(ctx, deps.web.csrf, 16 * 1024);
    const { input, form, problem } = inputOf(fields);
    if (problem) {
      await refuse(ctx, 400, { message: { kind: 'error', text: problem.message }, form, tagError: problem.tagError });
      return;
    }
    await orShowRefusal(ctx, form, async () => {
      back(ctx, await publisher.request(actorOf(ctx), id, parseInput(wechatRequestSchema, input)));
    });
  });

  router.post(`${ARTICLES_PATH}/:id/wechat/:requestId/retry`, guard, async (ctx) => {
    const id = articleIdOf(ctx);
    const raw = ctx.params.requestId ?? '';
    if (!/^[1-9]\d{0,9}$/.test(raw)) throw new ArticleRuleError('ARTICLE_WECHAT_NOT_FOUND', 404, '没有找到这个微信发布请求');
    await readForm(ctx, deps.web.csrf, 16 * 1024);
    await orShowRefusal(ctx, undefined, async () => {
      back(ctx, await publisher.retry(actorOf(ctx), id, Number(raw)));
    });
  });

  return router;
}
