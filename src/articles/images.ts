// Images of articles (migrations 015, 028): JPEG and PNG up to 2 MB, kept in the database so every
// instance serves every upload. An image is addressed by the SHA-256 of its bytes, so its public
// URL (/articles/images/<sha256>.<ext>) names one exact image forever and may be cached a year;
// the same bytes uploaded twice are stored once. Only bytes that parse as a JPEG or PNG with a
// size are taken: the file name and the browser's content type are never trusted.
import { createHash } from 'node:crypto';
import {
  DataTypes, Model, UniqueConstraintError, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic,
  type Sequelize,
} from 'sequelize';
import { AppError } from '../platform/errors.js';
import type { ImageSize, ImageSizeOf } from './render.js';

export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
export const IMAGE_URL_PREFIX = '/articles/images/';

/** `<64 hex>.<png|jpg>`: the only names an image URL can have. */
export const IMAGE_NAME = /^([0-9a-f]{64})\.(png|jpg)$/;

export type ImageType = 'image/png' | 'image/jpeg';

/** An upload's address inside a text or an image source (relative or absolute): its hash. */
const UPLOAD_IN_TEXT = /\/articles\/images\/([0-9a-f]{64})\.(?:png|jpg)\b/g;

export interface ImageFacts { mime: ImageType; ext: 'png' | 'jpg'; width: number; height: number }

/** Largest side accepted: a real photo, not a decompression bomb. */
const MAX_SIDE = 20_000;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function sized(mime: ImageType, width: number, height: number): ImageFacts | undefined {
  if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) return undefined;
  return { mime, ext: mime === 'image/png' ? 'png' : 'jpg', width, height };
}

/** PNG: the signature, IHDR as the first chunk (with the size), and IEND at the end. */
function sniffPng(b: Buffer): ImageFacts | undefined {
  if (b.length < 45 || !b.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  if (b.toString('latin1', 12, 16) !== 'IHDR' || b.toString('latin1', b.length - 8, b.length - 4) !== 'IEND') return undefined;
  return sized('image/png', b.readUInt32BE(16), b.readUInt32BE(20));
}

/** JPEG frame markers (SOF0–SOF15 without DHT C4, JPG C8, DAC CC): they carry the size. */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** JPEG: SOI, then well-formed segments up to a frame header (the size) before the scan. */
function sniffJpeg(b: Buffer): ImageFacts | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8 || b[2] !== 0xff) return undefined;
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) { i += 1; continue; } // fill byte
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; } // no length
    if (marker === 0xd9 || marker === 0xda) return undefined; // end or scan before any frame header
    const length = b.readUInt16BE(i + 2);
    if (length < 2 || i + 2 + length > b.length) return undefined;
    if (SOF.has(marker)) return length >= 7 ? sized('image/jpeg', b.readUInt16BE(i + 7), b.readUInt16BE(i + 5)) : undefined;
    i += 2 + length;
  }
  return undefined;
}

/** What the bytes are, when they are a JPEG or PNG image with a size; undefined otherwise. */
export function sniffImage(bytes: Buffer): ImageFacts | undefined {
  return sniffPng(bytes) ?? sniffJpeg(bytes);
}

export interface ArticleImageRow extends Model<InferAttributes<ArticleImageRow>, InferCreationAttributes<ArticleImageRow>> {
  id: CreationOptional<number>;
  sha256: string;
  articleId: number;
  mime: string;
  width: number;
  height: number;
  size: number;
  data: Buffer;
  createdBy: number | null;
  createdAt: Date;
}

/** One article an image was uploaded for (migration 028): the bytes are stored once, used by many. */
export interface ArticleImageUseRow extends Model<InferAttributes<ArticleImageUseRow>, InferCreationAttributes<ArticleImageUseRow>> {
  articleId: number;
  imageId: number;
  createdAt: Date;
}

export interface StoredImage { name: string; url: string; width: number; height: number; size: number }

export interface ImageFile { mime: string; data: Buffer; sha256: string }

export const imageUrl = (name: string): string => `${IMAGE_URL_PREFIX}${name}`;

export const notAnImage = () => new AppError('IMAGE_NOT_ACCEPTED', 400, '只能上传 JPG 或 PNG 图片，这个文件不是');
export const imageTooLarge = () => new AppError('IMAGE_TOO_LARGE', 400, '图片不能超过 2 MB，请压缩后再上传');

export function createImageStore(sequelize: Sequelize) {
  const ArticleImage: ModelStatic<ArticleImageRow> = sequelize.define<ArticleImageRow>('ArticleImage', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    sha256: { type: DataTypes.STRING(64), allowNull: false },
    articleId: { type: DataTypes.INTEGER, allowNull: false },
    mime: { type: DataTypes.STRING(16), allowNull: false },
    width: { type: DataTypes.INTEGER, allowNull: false },
    height: { type: DataTypes.INTEGER, allowNull: false },
    size: { type: DataTypes.INTEGER, allowNull: false },
    data: { type: DataTypes.BLOB, allowNull: false },
    createdBy: { type: DataTypes.INTEGER, allowNull: true },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
  }, { underscored: true, timestamps: false, tableName: 'article_images' });
  const ArticleImageUse: ModelStatic<ArticleImageUseRow> = sequelize.define<ArticleImageUseRow>('ArticleImageUse', {
    articleId: { type: DataTypes.INTEGER, primaryKey: true },
    imageId: { type: DataTypes.INTEGER, primaryKey: true },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
  }, { underscored: true, timestamps: false, tableName: 'article_image_uses' });

  const stored = (row: { sha256: string; mime: string; width: number; height: number; size: number }): StoredImage => {
    const name = `${row.sha256}.${row.mime === 'image/png' ? 'png' : 'jpg'}`;
    return { name, url: imageUrl(name), width: row.width, height: row.height, size: row.size };
  };
  const meta = ['sha256', 'mime', 'width', 'height', 'size'] as const;

  return {
    /**
     * Keeps `bytes` for `articleId` when they are a JPEG or PNG of at most 2 MB (400 otherwise).
     * The caller has checked the right to write the article.
     */
    async save(articleId: number, bytes: Buffer, actorId: number, now: Date): Promise<StoredImage> {
      if (bytes.length > MAX_IMAGE_BYTES) throw imageTooLarge();
      const facts = sniffImage(bytes);
      if (!facts) throw notAnImage();
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      let image = await ArticleImage.findOne({ where: { sha256 }, attributes: ['id', ...meta] });
      if (!image) {
        const row = { sha256, articleId, mime: facts.mime, width: facts.width, height: facts.height, size: bytes.length, data: bytes, createdBy: actorId, createdAt: now };
        try {
          image = await ArticleImage.create(row);
        } catch (err) {
          // The same bytes stored at the same moment by another request: one row, the same URL.
          if (!(err instanceof UniqueConstraintError)) throw err;
          image = await ArticleImage.findOne({ where: { sha256 }, attributes: ['id', ...meta] });
          if (!image) throw err;
        }
      }
      // Listed under this article too, newest first: an image uploaded again comes to the top.
      await ArticleImageUse.upsert({ articleId, imageId: image.id, createdAt: now });
      return stored(image);
    },

    /** The image a public URL names, or undefined. */
    async file(name: string): Promise<ImageFile | undefined> {
      const m = IMAGE_NAME.exec(name);
      if (!m) return undefined;
      const row = await ArticleImage.findOne({ where: { sha256: m[1]! } });
      if (!row || (row.mime === 'image/png' ? 'png' : 'jpg') !== m[2]) return undefined;
      return { mime: row.mime, data: Buffer.from(row.data), sha256: row.sha256 };
    },

    /**
     * The sizes of the uploads `text` uses, read in one query, as the renderer asks for them.
     * Addresses of other sites have no known size.
     */
    async sizesIn(text: string): Promise<ImageSizeOf> {
      const hashes = [...new Set(Array.from(text.matchAll(UPLOAD_IN_TEXT), (m) => m[1]!))].slice(0, 200);
      if (hashes.length === 0) return () => undefined;
      const rows = await ArticleImage.findAll({ where: { sha256: hashes }, attributes: ['sha256', 'width', 'height'] });
      const sizes = new Map<string, ImageSize>(rows.map((r) => [r.sha256, { width: r.width, height: r.height }]));
      return (src) => {
        const hash = Array.from(src.matchAll(UPLOAD_IN_TEXT), (m) => m[1]!)[0];
        return hash === undefined ? undefined : sizes.get(hash);
      };
    },

    /** The images uploaded for an article, the latest upload first (the editor lists them to copy). */
    async forArticle(articleId: number): Promise<StoredImage[]> {
      const uses = await ArticleImageUse.findAll({ where: { articleId }, order: [['createdAt', 'DESC'], ['imageId', 'DESC']], limit: 50 });
      const rows = await ArticleImage.findAll({ where: { id: uses.map((u) => u.imageId) }, attributes: ['id', ...meta] });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return uses.flatMap((u) => {
        const row = byId.get(u.imageId);
        return row ? [stored(row)] : [];
      });
    },
  };
}

export type ImageStore = ReturnType<typeof createImageStore>;
