// GET /staff/articles (the list), GET|POST /staff/articles/new and /staff/articles/:id/edit (the
// editor: save, or 「预览」 without JavaScript), POST /staff/articles/preview (the live preview's
// HTML fragment for editor.js), and the publishing actions POST /staff/articles/:id/<action>.
// Post/Redirect/Get; a refusal the editor can act on (bad input, a stale base revision, the state,
// the author publishing their own article) shows the editor again with the message and the text
// kept. The preview is the public renderer's own output (render.ts), the one HTML these pages do
// not escape. The page's 「发到微信公众号」 section and its posts are wechat.ts's.
import Router from '@koa/router';
import type { Context } from 'koa';
import nunjucks from 'nunjucks';
import { toAppError } from '../../http/middleware.js';
import { AppError, type FieldError } from '../../platform/errors.js';
import { requireStaffPage } from '../../staff/pages/guard.js';
import { parseInput } from '../../tips/validation.js';
import { readForm, type FormFields } from '../../web/index.js';
import { IMAGE_NAME, imageUrl, MAX_IMAGE_BYTES } from '../images.js';
import { renderMarkdown } from '../render.js';
import type { Article } from '../repository.js';
import { allowedActions, assertCanArticle, type ArticleAction } from '../rules.js';
import { ARTICLE_STATE_LABELS, ARTICLE_STATES, type ArticleState } from '../types.js';
import { articleContentSchema, newArticleSchema } from '../validation.js';
import {
  ARTICLES_PATH, DONE_MESSAGES, IMAGE_ERRORS, actorOf, articleIdOf, beijingLocal, fromBeijingLocal, pick, redirect,
} from './common.js';
import type { ArticlePageDeps } from './index.js';
import { wechatSection, type WechatSectionState } from './wechat.js';

/**
 * A form carries the whole body: 200 000 characters of Chinese are 1.8 MB once URL-encoded
 * (%E4%B8%AD per character).
 */
const FORM_LIMIT = 2 * 1024 * 1024;
const DEFAULT_AUTHOR = '三明市委政法委';

/** What the editor's fields hold, as typed. */
interface EditorValues {
  title: string;
  slug: string;
  summary: string;
  tags: string;
  author: string;
  cover: string;
  body: string;
  baseRevision: string;
}

interface EditorState {
  values: EditorValues;
  errors?: Record<string, string>;
  message?: string;
  /** Show the rendered preview of values.body (「预览」, or with a refusal after one). */
  preview?: boolean;
  status?: number;
  scheduleValue?: string;
  /** A refusal of a WeChat post (wechat.ts), shown in that section. */
  wechat?: WechatSectionState;
}

/** Shows the editor of `article` as saved, with `wechat` in its WeChat section and `status`. */
export type EditorWithWechat = (ctx: Context, article: Article, wechat: WechatSectionState, status: number) => Promise<void>;

/** The new-article form before anything is typed. */
const BLANK: EditorValues = { title: '', slug: '', summary: '', tags: '', author: DEFAULT_AUTHOR, cover: '', body: '', baseRevision: '' };

/** Whether the form holds text that is not the saved one (the base revision aside). */
const differs = (a: EditorValues, b: EditorValues) =>
  (['title', 'slug', 'summary', 'tags', 'author', 'cover', 'body'] as const).some((k) => a[k] !== b[k]);

/** Tags as typed: separated by commas (either width), 、 or spaces. */
export function splitTags(text: string): string[] {
  return text.split(/[,，、;；\s]+/u).map((t) => t.trim()).filter((t) => t !== '');
}

/** Browsers post CRLF; the stored text (and its hash and diffs) uses LF. */
const lf = (s: string | undefined) => (s ?? '').replace(/\r\n?/g, '\n');

function valuesOf(a: Article): EditorValues {
  return {
    title: a.title, slug: a.slug, summary: a.summary, tags: a.tags.join('，'), author: a.author, cover: a.coverUrl ?? '', body: a.body,
    baseRevision: String(a.revision),
  };
}

function valuesFrom(f: FormFields): EditorValues {
  return {
    title: f.title ?? '', slug: (f.slug ?? '').trim(), summary: f.summary ?? '', tags: f.tags ?? '', author: f.author ?? '',
    cover: (f.cover ?? '').trim(), body: lf(f.body), baseRevision: f.baseRevision ?? '',
  };
}

/** The service's input from the fields; zod's refusals name the field they concern. */
function contentOf(v: EditorValues) {
  const base = /^[1-9]\d{0,9}$/.test(v.baseRevision) ? Number(v.baseRevision) : undefined;
  const { cover, baseRevision, ...content } = parseInput(articleContentSchema, {
    title: v.title, summary: v.summary, body: v.body, tags: splitTags(v.tags), author: v.author,
    ...(v.cover ? { cover: v.cover } : {}), ...(base !== undefined ? { baseRevision: base } : {}),
  });
  return { content: { ...content, coverUrl: cover ?? null }, baseRevision };
}

const fieldErrors = (fields: readonly FieldError[] | undefined): Record<string, string> =>
  Object.fromEntries((fields ?? []).map((f) => [f.path.split('.')[0] ?? f.path, f.message]));

/** Messages the editor reads for refusals worth explaining better than the code's own text. */
function messageFor(code: string, message: string, latest?: number): string {
  if (code === 'ARTICLE_STALE') {
    return `在你编辑的时候，别人保存了新的版本（第 ${latest ?? '?'} 版）。你的修改还在下面，没有保存。`
      + '请先打开「修改记录」看看别人改了什么；确认要用你的版本覆盖时，再点一次「保存」。';
  }
  if (code === 'VALIDATION_FAILED') return '有几项没有填好，请按红字提示修改后再保存。';
  return message;
}

/** Action buttons of the editor, from the rules' allowed actions for this staff member. */
function actionsFor(allowed: readonly ArticleAction[], a: Article) {
  const has = (x: ArticleAction) => allowed.includes(x);
  return {
    submit: has('submit'),
    publish: has('publish'),
    unpublish: has('unpublish'),
    schedule: has('schedule'),
    unschedule: has('unschedule') && a.publishAt !== null,
    // 退回草稿 is an edit that keeps the text: the state machine sends in_review and unpublished to draft.
    draft: has('edit') && (a.state === 'in_review' || a.state === 'unpublished'),
    edit: has('edit'),
  };
}

const stateChip = (s: ArticleState) => ({ value: s, label: ARTICLE_STATE_LABELS[s] });

/** The editor's routes, and the editor as wechat.ts shows it after a refusal. */
export function editorPages(deps: ArticlePageDeps): { router: Router; showWithWechat: EditorWithWechat } {
  const router = new Router();
  const { web, service, options } = deps;
  const guard = requireStaffPage(deps);

  async function renderEditor(ctx: Context, article: Article | undefined, state: EditorState): Promise<void> {
    const actor = actorOf(ctx);
    // The buttons offer what the service allows: judged with the writers of the text under review.
    const facts = article ? await service.publisherFacts(article) : undefined;
    const allowed = facts ? allowedActions(actor, facts, options) : [];
    const names = article ? await deps.staffNames([article.updatedBy, article.createdBy]) : new Map<number, string>();
    const q = ctx.query;
    const imageName = typeof q.image === 'string' && IMAGE_NAME.test(q.image) ? q.image : undefined;
    const now = deps.now();
    const doneKey = pick(DONE_MESSAGES, q.done);
    const done = doneKey ? (DONE_MESSAGES as Readonly<Record<string, string>>)[doneKey] : undefined;
    const wechat = facts ? await wechatSection(deps, ctx, actor, facts, state.wechat) : null;
    web.render(ctx, 'editor.njk', {
      title: article ? `编辑：${article.title}` : '写新文章',
      article: article ? {
        ...article,
        state: stateChip(article.state),
        updatedByName: article.updatedBy !== null ? names.get(article.updatedBy) ?? '工作人员' : '系统导入',
        createdByName: article.createdBy !== null ? names.get(article.createdBy) ?? '工作人员' : '系统导入',
        publicUrl: article.state === 'published' ? `/articles/${article.slug}` : null,
      } : null,
      action: article ? `${ARTICLES_PATH}/${article.id}/edit` : `${ARTICLES_PATH}/new`,
      values: state.values,
      errors: state.errors ?? {},
      message: state.message ?? null,
      preview: state.preview ? new nunjucks.runtime.SafeString(renderMarkdown(state.values.body, await deps.images.sizesIn(state.values.body))) : null,
      can: article ? actionsFor(allowed, article) : { edit: true },
      scheduleValue: state.scheduleValue ?? (article?.publishAt ? beijingLocal(article.publishAt) : ''),
      scheduleMin: beijingLocal(now),
      images: article ? await deps.images.forArticle(article.id) : [],
      uploaded: imageName ? imageUrl(imageName) : null,
      imageError: IMAGE_ERRORS[pick(IMAGE_ERRORS, q['image-error']) ?? ''] ?? null,
      maxImageMb: MAX_IMAGE_BYTES / 1024 / 1024,
      flash: done ? { kind: 'ok', text: done } : undefined,
      wechat,
      // The form comes back holding what was typed (「预览」 without JavaScript, a refused save): editor.js warns before leaving it.
      unsaved: differs(state.values, article ? valuesOf(article) : BLANK),
    });
    if (state.status) ctx.status = state.status;
  }

  /** The article for this staff member (403/404 through the service's rights). */
  const load = async (ctx: Context) => (await service.get(actorOf(ctx), articleIdOf(ctx))).article;

  /**
   * Runs `fn`; a refusal the editor can act on shows the editor again (`state` with the refusal's
   * message and fields) instead of the error page. Not-found and roles without article rights
   * (FORBIDDEN) go to the error boundary.
   */
  async function orShowEditor(ctx: Context, article: Article | undefined, state: EditorState, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      const e = toAppError(err);
      if (e.status === 404 || e.code === 'FORBIDDEN' || ![400, 403, 409].includes(e.status)) throw err;
      const fresh = article ? await load(ctx) : undefined;
      const stale = e.code === 'ARTICLE_STALE' && fresh !== undefined;
      await renderEditor(ctx, fresh, {
        ...state,
        // After a stale save the next save deliberately overwrites: the base becomes the latest.
        values: stale ? { ...state.values, baseRevision: String(fresh.revision) } : state.values,
        message: messageFor(e.code, e.message, fresh?.revision),
        errors: fieldErrors(e.fields),
        status: e.status,
      });
    }
  }

  router.get(ARTICLES_PATH, guard, async (ctx) => {
    const actor = actorOf(ctx);
    assertCanArticle(actor, 'article.read', undefined, options);
    const state = typeof ctx.query.state === 'string' && (ARTICLE_STATES as readonly string[]).includes(ctx.query.state)
      ? ctx.query.state as ArticleState : undefined;
    const items = await deps.repo.listAll({ state, limit: 500 });
    const names = await deps.staffNames(items.map((a) => a.updatedBy));
    web.render(ctx, 'article-list-staff.njk', {
      title: '文章',
      filter: state ?? '',
      filters: [{ value: '', label: '全部' }, ...ARTICLE_STATES.map(stateChip)],
      items: items.map((a) => ({
        id: a.id, title: a.title, slug: a.slug, author: a.author, state: stateChip(a.state), publishAt: a.publishAt,
        publishedAt: a.publishedAt, updatedAt: a.updatedAt, revision: a.revision,
        updatedByName: a.updatedBy !== null ? names.get(a.updatedBy) ?? '工作人员' : '系统导入',
      })),
    });
  });

  router.get(`${ARTICLES_PATH}/new`, guard, async (ctx) => {
    assertCanArticle(actorOf(ctx), 'article.write', undefined, options);
    await renderEditor(ctx, undefined, { values: BLANK });
  });

  router.post(`${ARTICLES_PATH}/new`, guard, async (ctx) => {
    const actor = actorOf(ctx);
    assertCanArticle(actor, 'article.write', undefined, options);
    const fields = await readForm(ctx, web.csrf, FORM_LIMIT);
    const values = valuesFrom(fields);
    if (fields.intent === 'preview') {
      await renderEditor(ctx, undefined, { values, preview: true });
      return;
    }
    await orShowEditor(ctx, undefined, { values, preview: true }, async () => {
      const { content } = contentOf(values);
      const slug = parseInput(newArticleSchema.pick({ slug: true }), { slug: values.slug }).slug;
      const created = await service.create(actor, { ...content, slug });
      redirect(ctx, `${ARTICLES_PATH}/${created.id}/edit?done=created`);
    });
  });

  router.get(`${ARTICLES_PATH}/:id/edit`, guard, async (ctx) => {
    const article = await load(ctx);
    await renderEditor(ctx, article, { values: valuesOf(article) });
  });

  router.post(`${ARTICLES_PATH}/:id/edit`, guard, async (ctx) => {
    const article = await load(ctx);
    const fields = await readForm(ctx, web.csrf, FORM_LIMIT);
    // The slug is not edited here (public links keep working): the saved one stays on the form.
    const values = { ...valuesFrom(fields), slug: article.slug };
    if (fields.intent === 'preview') {
      await renderEditor(ctx, article, { values, preview: true });
      return;
    }
    await orShowEditor(ctx, article, { values, preview: true }, async () => {
      const { content, baseRevision } = contentOf(values);
      const saved = await service.update(actorOf(ctx), article.id, content, baseRevision);
      redirect(ctx, `${ARTICLES_PATH}/${article.id}/edit?done=${saved.state === 'published' ? 'saved-live' : 'saved'}`);
    });
  });

  // The live preview (editor.js): the body as the public page will show it, as an HTML fragment.
  router.post(`${ARTICLES_PATH}/preview`, guard, async (ctx) => {
    assertCanArticle(actorOf(ctx), 'article.read', undefined, options);
    const fields = await readForm(ctx, web.csrf, FORM_LIMIT);
    const body = lf(fields.body);
    if (body.length > 200_000) throw new AppError('VALIDATION_FAILED', 400, '正文太长了（最多 20 万字）');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = renderMarkdown(body, await deps.images.sizesIn(body));
  });

  /** One publishing action: run it through the service, then back to the editor (303). */
  const action = (name: string, done: keyof typeof DONE_MESSAGES, run: (ctx: Context, article: Article, fields: FormFields) => Promise<unknown>) => {
    router.post(`${ARTICLES_PATH}/:id/${name}`, guard, async (ctx) => {
      const article = await load(ctx);
      const fields = await readForm(ctx, web.csrf, 16 * 1024);
      await orShowEditor(ctx, article, { values: valuesOf(article), scheduleValue: fields.at ?? undefined }, async () => {
        await run(ctx, article, fields);
        redirect(ctx, `${ARTICLES_PATH}/${article.id}/edit?done=${done}`);
      });
    });
  };
  action('submit', 'submitted', (ctx, a) => service.submit(actorOf(ctx), a.id));
  action('publish', 'published', (ctx, a) => service.publish(actorOf(ctx), a.id));
  action('unpublish', 'unpublished', (ctx, a) => service.unpublish(actorOf(ctx), a.id));
  action('unschedule', 'unscheduled', (ctx, a) => service.schedule(actorOf(ctx), a.id, null));
  action('schedule', 'scheduled', (ctx, a, f) => {
    const at = fromBeijingLocal(f.at);
    if (!at) throw new AppError('VALIDATION_FAILED', 400, '请选择定时发布的日期和时间（北京时间）', { fields: [{ path: 'at', message: '请选择日期和时间' }] });
    return service.schedule(actorOf(ctx), a.id, at);
  });
  // Back to draft: an edit that keeps the text (the state machine's edit goes to draft), from the
  // revision the page showed, so a change made meanwhile is not lost silently.
  action('draft', 'draft', (ctx, a, f) => {
    const base = /^[1-9]\d{0,9}$/.test(f.baseRevision ?? '') ? Number(f.baseRevision) : a.revision;
    const { title, summary, body, tags, author, coverUrl } = a;
    return service.update(actorOf(ctx), a.id, { title, summary, body, tags, author, coverUrl }, base);
  });

  return {
    router,
    showWithWechat: (ctx, article, wechat, status) => renderEditor(ctx, article, { values: valuesOf(article), wechat, status }),
  };
}
