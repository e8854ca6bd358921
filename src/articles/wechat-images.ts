// Image bytes for WeChat publishing: an article's images and its cover, fetched over HTTP by their
// public address on this site (never another site's) with a timeout and a size limit,
// or the configured default cover read from disk. The format is read from the bytes.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { UploadFile } from '../wechat/index.js';
import { isSiteAddress } from './render.js';

export type ImageKind = 'jpeg' | 'png' | 'gif' | 'bmp';

const KINDS: Record<ImageKind, { mime: string; ext: string }> = {
  jpeg: { mime: 'image/jpeg', ext: 'jpg' },
  png: { mime: 'image/png', ext: 'png' },
  gif: { mime: 'image/gif', ext: 'gif' },
  bmp: { mime: 'image/bmp', ext: 'bmp' },
};

/** Why an image could not be had; `message` is for the editor (Chinese). */
export class ImageFetchError extends Error {
  constructor(readonly source: string, message: string) {
    super(message);
    this.name = 'ImageFetchError';
  }
}

export function sniffImage(data: Buffer): ImageKind | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (data.length >= 6 && /^GIF8[79]a$/.test(data.subarray(0, 6).toString('latin1'))) return 'gif';
  if (data.length >= 2 && data[0] === 0x42 && data[1] === 0x4d) return 'bmp';
  return undefined;
}

export interface ImageLimits {
  maxBytes: number;
  /** Formats WeChat takes for this use. */
  kinds: readonly ImageKind[];
}

/** Content images (`media/uploadimg`): jpg or png, at most 1 MiB. */
export const CONTENT_IMAGE: ImageLimits = { maxBytes: 1024 * 1024, kinds: ['jpeg', 'png'] };
/** Covers (permanent material): bmp, png, jpeg or gif; we keep them to 5 MiB (WeChat takes 10). */
export const COVER_IMAGE: ImageLimits = { maxBytes: 5 * 1024 * 1024, kinds: ['jpeg', 'png', 'gif', 'bmp'] };

const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/** The file to upload: the bytes checked against `limits`, named after their real format. */
export function toUploadFile(source: string, data: Buffer, limits: ImageLimits, name: string): UploadFile {
  if (data.length === 0) throw new ImageFetchError(source, `图片 ${source} 是空文件`);
  if (data.length > limits.maxBytes) throw new ImageFetchError(source, `图片 ${source} 超过 ${mb(limits.maxBytes)}，微信不接受，请换一张较小的图片`);
  const kind = sniffImage(data);
  if (kind === undefined || !limits.kinds.includes(kind)) {
    const names = limits.kinds.map((k) => KINDS[k].ext.toUpperCase()).join('、');
    throw new ImageFetchError(source, `图片 ${source} 不是 ${names} 格式，微信不接受`);
  }
  return { data, filename: `${name}.${KINDS[kind].ext}`, contentType: KINDS[kind].mime };
}

/** The absolute http(s) address of an image: a relative one is a page of this site (`origin`). */
export function resolveImage(src: string, origin: string): URL {
  let url: URL;
  try {
    url = new URL(src, `${origin}/`);
  } catch {
    throw new ImageFetchError(src, `图片地址 ${src} 无效`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ImageFetchError(src, `图片地址 ${src} 不是 http(s) 地址`);
  // Only this site's images are fetched: an address an editor typed never makes the server reach
  // into another host (the renderer shows no other site's image anyway).
  if (!isSiteAddress(src)) throw new ImageFetchError(src, `图片 ${src} 不是本站的图片，请先上传到本站`);
  return url;
}

export interface FetchImageOptions {
  maxBytes: number;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** GETs `url`, refusing a body over `maxBytes` (read no further) and anything not 200 in time. */
export async function fetchImageBytes(source: string, url: URL, opts: FetchImageOptions): Promise<Buffer> {
  const doFetch = opts.fetch ?? ((input, init) => fetch(input, init));
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const tooLarge = () => new ImageFetchError(source, `图片 ${source} 超过 ${mb(opts.maxBytes)}，微信不接受，请换一张较小的图片`);
  const failed = (why: string) => new ImageFetchError(source, `取不到图片 ${source}（${why}）`);
  let res: Response;
  try {
    res = await doFetch(url, { signal, redirect: 'follow', headers: { accept: 'image/*' } });
  } catch (err) {
    throw failed(err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError') ? '超时' : '连接失败');
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => undefined);
    throw failed(`HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > opts.maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    if (res.body) {
      for await (const chunk of res.body) {
        size += chunk.byteLength;
        // Leaving the loop by throwing cancels the stream: nothing more is read.
        if (size > opts.maxBytes) throw tooLarge();
        chunks.push(Buffer.from(chunk));
      }
    }
  } catch (err) {
    if (err instanceof ImageFetchError) throw err;
    throw failed(signal.aborted ? '超时' : '读取失败');
  }
  return Buffer.concat(chunks);
}

/** The configured default cover, read from disk (absolute path), refused above `maxBytes`. */
export async function readCoverFile(file: string, maxBytes: number): Promise<Buffer> {
  const name = path.basename(file);
  try {
    if ((await stat(file)).size > maxBytes) throw new ImageFetchError(name, `默认封面 ${name} 超过 ${mb(maxBytes)}`);
    return await readFile(file);
  } catch (err) {
    if (err instanceof ImageFetchError) throw err;
    throw new ImageFetchError(name, `读不到默认封面 ${name}`);
  }
}
