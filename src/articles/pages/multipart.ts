// A multipart/form-data post with one file (the editor's image upload), parsed by busboy into
// memory under hard limits: the body is refused by its declared length before it is read, a file
// past `maxFileBytes` is cut off and reported, other files and extra parts are dropped.
// Nothing is written to disk. The CSRF token is checked by the caller on the returned fields.
import busboy from 'busboy';
import type { Context } from 'koa';
import { AppError, badRequest } from '../../platform/errors.js';
import type { FormFields } from '../../web/index.js';

export interface UploadedFile {
  /** Never trusted for anything but messages: the bytes decide what the file is. */
  filename: string;
  bytes: Buffer;
  /** True when the file was longer than the limit (its bytes are then incomplete). */
  truncated: boolean;
}

export interface MultipartForm {
  fields: FormFields;
  file: UploadedFile | undefined;
}

/** Room for the form's small fields and the part headers, beyond the file itself. */
const OVERHEAD = 64 * 1024;

export const tooLargeBody = () => new AppError('IMAGE_TOO_LARGE', 413, '图片不能超过 2 MB，请压缩后再上传');

export function readMultipart(ctx: Context, maxFileBytes: number): Promise<MultipartForm> {
  if (!ctx.is('multipart/form-data')) return Promise.reject(badRequest('UNSUPPORTED_MEDIA_TYPE', '请通过页面上的上传表单提交'));
  const declared = Number(ctx.get('content-length'));
  if (Number.isFinite(declared) && declared > maxFileBytes + OVERHEAD) return Promise.reject(tooLargeBody());
  return new Promise<MultipartForm>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: ctx.req.headers,
        limits: { files: 1, fileSize: maxFileBytes, fields: 8, fieldSize: 8 * 1024, parts: 10, headerPairs: 20 },
      });
    } catch {
      reject(badRequest('MULTIPART_INVALID', '上传的内容无法读取，请重试'));
      return;
    }
    const fields: FormFields = {};
    let file: UploadedFile | undefined;
    let received = 0;
    parser.on('field', (name, value) => {
      if (!(name in fields)) fields[name] = value;
    });
    parser.on('file', (_name, stream, info) => {
      const chunks: Buffer[] = [];
      const entry: UploadedFile = { filename: info.filename ?? '', bytes: Buffer.alloc(0), truncated: false };
      stream.on('data', (chunk: Buffer) => { chunks.push(chunk); });
      stream.on('limit', () => { entry.truncated = true; });
      stream.on('end', () => {
        entry.bytes = Buffer.concat(chunks);
        // An empty file input still sends a part with no name and no bytes: no file was chosen.
        if (entry.bytes.length > 0 || entry.filename !== '') file = entry;
      });
    });
    parser.on('error', () => reject(badRequest('MULTIPART_INVALID', '上传的内容无法读取，请重试')));
    parser.on('close', () => resolve({ fields, file }));
    // A body without a Content-Length (chunked) is bounded here as it arrives.
    ctx.req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxFileBytes + OVERHEAD) {
        ctx.req.unpipe(parser);
        ctx.req.resume();
        reject(tooLargeBody());
      }
    });
    ctx.req.pipe(parser);
  });
}
