// Small pieces the article pages share: who acts, which article the URL names, Beijing-time
// fields, and the fixed messages an action leaves for the page it redirects to.
import type { Context } from 'koa';
import { ArticleRuleError } from '../rules.js';
import type { ArticleActor } from '../types.js';

export const ARTICLES_PATH = '/staff/articles';

export function actorOf(ctx: Context): ArticleActor {
  const staff = ctx.state.staff;
  // requireStaffPage runs before every handler here; without it there is no page.
  if (!staff) throw new ArticleRuleError('FORBIDDEN', 403, '无权执行此操作');
  return { id: staff.id, role: staff.role };
}

/** The article id of the URL; anything but a positive integer names no article (404). */
export function articleIdOf(ctx: Context): number {
  const raw = (ctx.params as Record<string, string>).id ?? '';
  const id = /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) throw new ArticleRuleError('ARTICLE_NOT_FOUND', 404, '没有找到这篇文章');
  return id;
}

export function redirect(ctx: Context, to: string): void {
  ctx.status = 303;
  ctx.redirect(to);
}

export { beijingLocal, fromBeijingLocal } from '../../platform/beijing-time.js';

/** What each action's redirect says (`?done=<key>`): fixed texts, so a URL can show nothing else. */
export const DONE_MESSAGES = {
  created: '草稿已保存。写好后点「提交审核」。',
  saved: '已保存。',
  'saved-live': '已保存，公开页面已是新内容。',
  submitted: '已提交审核，等待另一位编辑或管理员发布。',
  published: '已发布，群众现在可以看到这篇文章。',
  unpublished: '已撤下，公开页面不再显示这篇文章。',
  scheduled: '已设定定时发布，到时会自动发布。',
  unscheduled: '已取消定时发布，文章仍在待审核。',
  draft: '已退回草稿，可以继续修改。',
  image: '图片已上传。',
} as const satisfies Record<string, string>;

/** Messages of an image upload done without JavaScript (`?image-error=<key>`). */
export const IMAGE_ERRORS: Readonly<Record<string, string>> = {
  'not-image': '只能上传 JPG 或 PNG 图片，这个文件不是。',
  'too-large': '图片不能超过 2 MB，请压缩后再上传。',
  'no-file': '请先选择要上传的图片。',
};

/** A `?key=` value that is one of `table`'s keys, or undefined. */
export function pick(table: Readonly<Record<string, string>>, v: unknown): string | undefined {
  return typeof v === 'string' && Object.hasOwn(table, v) ? v : undefined;
}
