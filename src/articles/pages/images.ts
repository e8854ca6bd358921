// POST /staff/articles/:id/images: one JPEG or PNG (≤ 2 MB) for an article the staff member may
// write, as multipart/form-data with the page's CSRF token. With JavaScript (Accept:
// application/json) the answer is {url, markdown} for editor.js to insert at the cursor; without,
// a redirect back to the editor, which shows the Markdown to copy.
// GET /articles/images/<sha256>.<ext>: the image, public, cached a year (the name is its hash).
import Router from '@koa/router';
import { sendImmutable } from '../../web/assets.js';
import type { Context } from 'koa';
import { toAppError } from '../../http/middleware.js';
import { AppError } from '../../platform/errors.js';
import { requireStaffPage } from '../../staff/pages/guard.js';
import { CSRF_FIELD } from '../../web/index.js';
import { MAX_IMAGE_BYTES, imageTooLarge, type ImageStore } from '../images.js';
import { assertCanArticle } from '../rules.js';
import { ARTICLES_PATH, actorOf, articleIdOf, redirect } from './common.js';
import type { ArticlePageDeps } from './index.js';
import { readMultipart } from './multipart.js';

/** A refusal's key for the editor's fixed messages (common.ts IMAGE_ERRORS). */
const ERROR_KEYS: Readonly<Record<string, string>> = { IMAGE_NOT_ACCEPTED: 'not-image', IMAGE_TOO_LARGE: 'too-large', IMAGE_MISSING: 'no-file' };

const wantsJson = (ctx: Context) => ctx.accepts('html', 'json') === 'json';

export function imagePages(deps: ArticlePageDeps): Router {
  const router = new Router();
  const guard = requireStaffPage(deps);

  router.post(`${ARTICLES_PATH}/:id/images`, guard, async (ctx) => {
    const actor = actorOf(ctx);
    const { article } = await deps.service.get(actor, articleIdOf(ctx));
    assertCanArticle(actor, 'article.write', article, deps.options);
    const json = wantsJson(ctx);
    try {
      const form = await readMultipart(ctx, MAX_IMAGE_BYTES);
      if (!deps.web.csrf.verify(ctx, form.fields[CSRF_FIELD])) {
        throw new AppError('CSRF_TOKEN_INVALID', 403, '页面已过期或来源不明，请刷新页面后重新提交');
      }
      if (!form.file) throw new AppError('IMAGE_MISSING', 400, '请先选择要上传的图片');
      if (form.file.truncated) throw imageTooLarge();
      const image = await deps.images.save(article.id, form.file.bytes, actor.id, deps.now());
      ctx.state.log.info({ articleId: article.id, image: image.name, size: image.size }, 'article image uploaded');
      if (json) {
        ctx.body = { url: image.url, markdown: `![](${image.url})`, width: image.width, height: image.height };
        return;
      }
      redirect(ctx, `${ARTICLES_PATH}/${article.id}/edit?done=image&image=${image.name}#images`);
    } catch (err) {
      const e = toAppError(err);
      const key = ERROR_KEYS[e.code];
      if (json) {
        // editor.js reads the message; the error boundary would answer with an HTML page.
        ctx.status = e.status;
        ctx.body = { error: { code: e.code, message: e.expose ? e.message : '上传失败，请稍后再试' } };
        if (e.status >= 500) throw err;
        return;
      }
      if (!key) throw err;
      redirect(ctx, `${ARTICLES_PATH}/${article.id}/edit?image-error=${key}#images`);
    }
  });

  return router;
}

export function publicImageRouter(images: ImageStore): Router {
  const router = new Router();
  router.get('/articles/images/:name', async (ctx) => {
    const file = await images.file(ctx.params.name ?? '');
    if (!file) throw new AppError('NOT_FOUND', 404, '没有这张图片');
    // The name is the hash of the bytes.
    sendImmutable(ctx, { body: file.data, type: file.mime, etag: file.sha256 });
  });
  return router;
}
