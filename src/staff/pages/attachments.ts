// GET /staff/tips/:code/attachments/:n — a citizen's photo for staff who may see the tip: the copy
// kept in the database (src/tips/media-copy.ts), or while there is none yet, fetched from WeChat's
// temporary media. Served only when its bytes are an image (a media id that turned out to be
// anything else is refused), never cached, and only as an image.
import Router from '@koa/router';
import type { Context } from 'koa';
import { AppError } from '../../platform/errors.js';
import { loadFor } from '../../tips/service.js';
import { requireStaffPage } from './guard.js';
import type { StaffPageDeps } from './index.js';

export const attachmentUrl = (code: string, n: number) => `/staff/tips/${encodeURIComponent(code)}/attachments/${n}`;

/** The image type its first bytes say, or undefined: what the browser is told comes from here. */
export function imageTypeOf(data: Buffer): string | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (data.length >= 6 && /^GIF8[79]a$/.test(data.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (data.length >= 12 && data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return undefined;
}

const gone = () => new AppError('ATTACHMENT_UNAVAILABLE', 404, '这张图片已无法从微信取得（微信临时素材只保存3天）');

export function attachmentPages(deps: StaffPageDeps): Router {
  const router = new Router();
  router.get('/staff/tips/:code/attachments/:n', requireStaffPage(deps), async (ctx: Context) => {
    const { code, n } = ctx.params as { code: string; n: string };
    // The policy decides as for the tip page: a tip out of scope is not found.
    const tip = await loadFor(deps.reads, ctx.state.staff!, code, 'tip.view');
    const list = JSON.parse(tip.attachments) as Array<{ type?: unknown; mediaId?: unknown }>;
    const item = /^[1-9]\d{0,2}$/.test(n) ? list[Number(n) - 1] : undefined;
    if (!item || item.type !== 'image' || typeof item.mediaId !== 'string') throw new AppError('NOT_FOUND', 404, '没有这个附件');
    const mediaId = item.mediaId;
    const copy = await deps.reads.repo.models.TipMedia.findOne({ attributes: ['data'], where: { tipId: tip.id, position: Number(n), state: 'copied' } });
    const file = copy?.data ? { data: copy.data } : await deps.media.mediaGet(mediaId).catch((err: unknown) => {
      ctx.state.log.warn({ err, code }, 'attachment not available from WeChat');
      throw gone();
    });
    const type = imageTypeOf(file.data);
    if (!type) throw gone();
    ctx.set('Cache-Control', 'no-store');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Content-Disposition', 'inline');
    ctx.type = type;
    ctx.body = file.data;
  });
  return router;
}
