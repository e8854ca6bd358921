// Copies a tip's photos, voice and videos from WeChat's temporary media, which WeChat keeps 3
// days, into the database (tip_media, migration 024): the evidence outlives WeChat's copy. Rows are written
// `pending` with the tip (intake.ts). `copyDueMedia` takes the due ones one at a time: a row is
// leased to this instance by moving its `next_try_at` ahead in a conditional UPDATE (one instance
// wins), then fetched, then marked `copied` with its bytes; a failure is tried again later, and
// the row is `failed` once WeChat answers that it has no such media or the tries run out.
import { Op } from 'sequelize';
import type { Logger } from '../platform/logger.js';
import { LOCAL_ERRCODES, WechatApiError, type MediaFile, type WechatClient } from '../wechat/index.js';
import type { TipModels } from './models.js';

export interface MediaCopyDeps {
  models: Pick<TipModels, 'TipMedia'>;
  wechat: Pick<WechatClient, 'mediaGet' | 'mediaDownload'>;
  logger: Logger;
  now?: () => Date;
  /** Asked between rows: true once the process is stopping (a row left is taken again later). */
  stopping?: () => boolean;
}

const BATCH = 20;
/** How long a row is this instance's once taken: a copy that died with it is tried again after. */
const LEASE_MS = 5 * 60_000;
/** Tries before a row is given up: with the waits below, about two days, within WeChat's three. */
const MAX_ATTEMPTS = 20;
/** WeChat's errcode for a media id it does not have (expired after its 3 days, or never sent). */
const INVALID_MEDIA_ID = 40007;

/**
 * The largest file kept: under MEDIUMBLOB's 16 MiB and MariaDB's default 16 MiB packet, with room
 * for the statement. WeChat's own limit for temporary media is 10 MB.
 */
export const MAX_MEDIA_BYTES = 15 * 1024 * 1024;

/**
 * A temporary media's bytes: what `media/get` answers, or for a video the file behind the
 * download link it answers with (at most MAX_MEDIA_BYTES).
 */
export async function fetchMedia(wechat: Pick<WechatClient, 'mediaGet' | 'mediaDownload'>, mediaId: string): Promise<MediaFile> {
  const got = await wechat.mediaGet(mediaId);
  return got.videoUrl === undefined ? got : wechat.mediaDownload(got.videoUrl, MAX_MEDIA_BYTES);
}

/** The wait before the next try: 2, 4, 8 … minutes, at most 4 hours. */
const retryAfterMs = (attempts: number) => Math.min(240, 2 ** attempts) * 60_000;

/** Copies the due rows; resolves with how many were copied. */
export async function copyDueMedia(deps: MediaCopyDeps): Promise<number> {
  const now = deps.now ?? (() => new Date());
  const { TipMedia } = deps.models;
  const due = await TipMedia.findAll({
    attributes: ['id', 'tipId', 'position', 'mediaId', 'attempts', 'nextTryAt'],
    where: { state: 'pending', nextTryAt: { [Op.lte]: now() } },
    order: [['nextTryAt', 'ASC'], ['id', 'ASC']],
    limit: BATCH,
  });
  let copied = 0;
  for (const row of due) {
    if (deps.stopping?.()) break;
    const [taken] = await TipMedia.update(
      { nextTryAt: new Date(now().getTime() + LEASE_MS) },
      { where: { id: row.id, state: 'pending', nextTryAt: row.nextTryAt } },
    );
    if (taken === 0) continue;
    const attempts = row.attempts + 1;
    try {
      const file = await fetchMedia(deps.wechat, row.mediaId);
      if (file.data.length > MAX_MEDIA_BYTES) {
        throw new WechatApiError(LOCAL_ERRCODES.FILE_SIZE, `larger than ${MAX_MEDIA_BYTES} bytes`, '/cgi-bin/media/get', { local: true });
      }
      await TipMedia.update(
        { state: 'copied', data: file.data, contentType: file.contentType.slice(0, 100), attempts, lastError: null, copiedAt: now() },
        { where: { id: row.id } },
      );
      copied += 1;
    } catch (err) {
      // No such media, or one too large to keep: another try would end the same way.
      const gone = err instanceof WechatApiError && (err.errcode === INVALID_MEDIA_ID || err.errcode === LOCAL_ERRCODES.FILE_SIZE);
      const failed = gone || attempts >= MAX_ATTEMPTS;
      const lastError = (err instanceof WechatApiError ? `${err.errcode} ${err.errmsg}` : err instanceof Error ? err.message : String(err)).slice(0, 255);
      await TipMedia.update(
        { attempts, lastError, ...(failed ? { state: 'failed' as const } : { nextTryAt: new Date(now().getTime() + retryAfterMs(attempts)) }) },
        { where: { id: row.id } },
      );
      const fields = { err, tipId: row.tipId, position: row.position, attempts };
      if (failed) deps.logger.error(fields, 'tip media not copied: WeChat no longer gives it, or it is too large to keep');
      else deps.logger.warn(fields, 'tip media copy failed; tried again later');
    }
  }
  return copied;
}
