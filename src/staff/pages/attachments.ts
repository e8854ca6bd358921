// GET /staff/tips/:code/attachments/:n — a citizen's photo, voice or video for staff who may see
// the tip: the copy kept in the database (src/tips/media-copy.ts), or while there is none yet,
// fetched from WeChat's temporary media. A photo is shown only when its bytes are an image (a
// media id that turned out to be anything else is refused). A voice or video is a download;
// GET …/:n/listen is a voice as WAV for the page's player (browsers do not play WeChat's AMR).
// A voice or video names its speaker as a name would: each opening is logged as a `media_opened`
// event before its bytes are sent, and an anonymous reporter's opens only for staff entitled to
// reporters' identities (tip.view_identity). Nothing here is cached.
import Router from '@koa/router';
import type { Context } from 'koa';
import { AppError } from '../../platform/errors.js';
import { loadFor } from '../../tips/service.js';
import { logMediaOpened } from '../../tips/reads.js';
import { fetchMedia } from '../../tips/media-copy.js';
import { can } from '../../tips/policy.js';
import { scopeOf } from '../../tips/scope.js';
import type { TipRow } from '../../tips/models.js';
import type { StaffPrincipal } from '../accounts.js';
import { amrToWavInWorker, VoiceDecodeError } from '../../tips/voice-wav.js';
import { requireStaffPage } from './guard.js';
import type { StaffPageDeps } from './index.js';

export const attachmentUrl = (code: string, n: number) => `/staff/tips/${encodeURIComponent(code)}/attachments/${n}`;
export const listenUrl = (code: string, n: number) => `${attachmentUrl(code, n)}/listen`;

/**
 * Whether the member may open a tip's voice or video: anyone who may see the tip, but for an
 * anonymous reporter's only those entitled to reporters' identities (a voice can be recognised).
 */
export function mayOpenRecording(staff: StaffPrincipal, tip: Pick<TipRow, 'anonymous'> & Parameters<typeof scopeOf>[0]): boolean {
  return !tip.anonymous || can(staff, 'tip.view_identity', scopeOf(tip));
}

/** The image type its first bytes say, or undefined: what the browser is told comes from here. */
export function imageTypeOf(data: Buffer): string | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (data.length >= 6 && /^GIF8[79]a$/.test(data.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (data.length >= 12 && data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return undefined;
}

/** A voice or video file's type and file extension by its first bytes; anything else is a plain download. */
export function recordingTypeOf(data: Buffer): { type: string; ext: string } {
  const head = data.subarray(0, 12).toString('latin1');
  if (head.startsWith('#!AMR-WB\n')) return { type: 'audio/amr-wb', ext: 'awb' };
  if (head.startsWith('#!AMR\n')) return { type: 'audio/amr', ext: 'amr' };
  if (head.slice(4, 8) === 'ftyp') return { type: 'video/mp4', ext: 'mp4' };
  return { type: 'application/octet-stream', ext: 'bin' };
}

const gone = (what: string) => new AppError('ATTACHMENT_UNAVAILABLE', 404, `这个${what}已无法从微信取得（微信临时素材只保存3天）`);
const restricted = () => new AppError('ATTACHMENT_RESTRICTED', 403, '群众匿名反映，原声可能让人认出反映人，只有市级受理员可以打开');
/** What staff read an attachment as, by its type. */
const ATTACHMENT_LABELS = { image: '图片', voice: '语音', video: '视频' } as const;
type Kind = keyof typeof ATTACHMENT_LABELS;
const isKind = (v: unknown): v is Kind => v === 'image' || v === 'voice' || v === 'video';
/** An attachment's label on the tip page: 图片, 语音, 视频, or 文件 for a type we do not know. */
export const attachmentLabel = (type: unknown): string => (isKind(type) ? ATTACHMENT_LABELS[type] : '文件');

export function attachmentPages(deps: StaffPageDeps): Router {
  const router = new Router();

  /** The tip, the attachment's kind and its bytes, for a member who may see the tip. */
  async function attachmentOf(ctx: Context) {
    const { code, n } = ctx.params as { code: string; n: string };
    // The policy decides as for the tip page: a tip out of scope is not found.
    const tip = await loadFor(deps.reads, ctx.state.staff!, code, 'tip.view');
    const list = JSON.parse(tip.attachments) as Array<{ type?: unknown; mediaId?: unknown }>;
    const position = /^[1-9]\d{0,2}$/.test(n) ? Number(n) : 0;
    const item = list[position - 1];
    if (!item || !isKind(item.type) || typeof item.mediaId !== 'string') throw new AppError('NOT_FOUND', 404, '没有这个附件');
    const kind = item.type;
    if (kind !== 'image' && !mayOpenRecording(ctx.state.staff!, tip)) throw restricted();
    const mediaId = item.mediaId;
    const copy = await deps.reads.repo.models.TipMedia.findOne({ attributes: ['data'], where: { tipId: tip.id, position, state: 'copied' } });
    const file = copy?.data ? { data: copy.data } : await fetchMedia(deps.media, mediaId).catch((err: unknown) => {
      ctx.state.log.warn({ err, code, position }, 'attachment not available from WeChat');
      throw gone(ATTACHMENT_LABELS[kind]);
    });
    ctx.set('Cache-Control', 'no-store');
    ctx.set('X-Content-Type-Options', 'nosniff');
    return { tip, kind, position, data: file.data };
  }

  router.get('/staff/tips/:code/attachments/:n', requireStaffPage(deps), async (ctx: Context) => {
    const { tip, kind, position, data } = await attachmentOf(ctx);
    if (kind === 'image') {
      const type = imageTypeOf(data);
      if (!type) throw gone(ATTACHMENT_LABELS[kind]);
      ctx.set('Content-Disposition', 'inline');
      ctx.type = type;
    } else {
      await logMediaOpened(deps.reads, ctx.state.staff!, tip, position, kind, 'download');
      const { type, ext } = recordingTypeOf(data);
      // The code is [A-Z0-9] only: safe as a header's file name.
      ctx.set('Content-Disposition', `attachment; filename="${tip.code}-${position}.${ext}"`);
      ctx.type = type;
    }
    ctx.body = data;
  });

  router.get('/staff/tips/:code/attachments/:n/listen', requireStaffPage(deps), async (ctx: Context) => {
    const { tip, kind, position, data } = await attachmentOf(ctx);
    if (kind !== 'voice') throw new AppError('NOT_FOUND', 404, '这个附件不是语音');
    const wav = await amrToWavInWorker(data).catch((err: unknown) => {
      if (!(err instanceof VoiceDecodeError)) throw err;
      ctx.state.log.info({ code: tip.code, position }, 'voice not playable in the page');
      throw new AppError('VOICE_NOT_PLAYABLE', 415, '这段语音无法在网页上播放，请点「下载」后用电脑上的播放器打开');
    });
    await logMediaOpened(deps.reads, ctx.state.staff!, tip, position, kind, 'listen');
    ctx.set('Content-Disposition', `inline; filename="${tip.code}-${position}.wav"`);
    ctx.type = 'audio/wav';
    ctx.body = wav;
  });
  return router;
}
