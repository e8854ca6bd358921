import { LOCAL_ERRCODES, MASS_DUPLICATE_ERRCODE, TOKEN_ERRCODES, WechatApiError } from './api-error.js';
import type { TokenStore } from './token-store.js';
import type {
  CustomMessage,
  DraftArticle,
  FollowerListPage,
  FreepublishState,
  MassSendRequest,
  MassSendResult,
  MassSendStatus,
  MediaFile,
  Menu,
  PublishedArticle,
  TagFollowersPage,
  TemplateMessage,
  TypingCommand,
  UploadFile,
  UserInfo,
  UserTag,
} from './types.js';

export interface WechatClientOptions {
  appId: string;
  appSecret: string;
  /** e.g. `https://api.weixin.qq.com`; a fake server's URL in tests. */
  apiBase: string;
  tokenStore: TokenStore;
  fetch?: typeof fetch;
  /** Per request, including reading the body. Default 5000. */
  timeoutMs?: number;
}

type Json = Record<string, unknown>;

/** A field of a reply as text: a string as it is, nothing as '', anything else as its JSON (a number: its digits). */
const textOf = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

/**
 * A 64-bit id field (`msgid`, `msg_id`, `publish_id`, ...) as a string: read from the raw body so
 * no digit is lost to a double, whether WeChat wrote it as a number or a string.
 */
function idOf(text: string, data: Json, field: string): string | undefined {
  const digits = new RegExp(`"${field}"\\s*:\\s*"?(\\d+)`).exec(text)?.[1];
  if (digits !== undefined) return digits;
  const v = data[field];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

/** Upload limits WeChat documents, checked before sending. */
const UPLOADIMG_MAX_BYTES = 1024 * 1024;
const MATERIAL_IMAGE_MAX_BYTES = 10 * 1024 * 1024;
const MAX_DRAFT_ARTICLES = 8;
const MAX_OPENIDS_PER_TAG_CALL = 50;
const MAX_TAG_NAME_CHARS = 30;
/** A video download may take longer than an API call: WeChat's videos are up to 10 MB. */
const DOWNLOAD_TIMEOUT_MS = 60_000;

type ImageKind = 'jpeg' | 'png' | 'gif' | 'bmp';
const IMAGE_KINDS: Record<ImageKind, { mime: string; exts: readonly string[] }> = {
  jpeg: { mime: 'image/jpeg', exts: ['jpg', 'jpeg'] },
  png: { mime: 'image/png', exts: ['png'] },
  gif: { mime: 'image/gif', exts: ['gif'] },
  bmp: { mime: 'image/bmp', exts: ['bmp'] },
};

/** The image format from the first bytes, whatever the name or declared type say. */
function sniffImage(data: Buffer): ImageKind | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (data.length >= 6 && /^GIF8[79]a$/.test(data.subarray(0, 6).toString('latin1'))) return 'gif';
  if (data.length >= 2 && data[0] === 0x42 && data[1] === 0x4d) return 'bmp';
  return undefined;
}

/**
 * Refuses, with WeChat's errcode and `local: true`, a file WeChat would refuse: its bytes, its
 * filename's extension and its declared content type must agree on one of `allowed`.
 */
function checkImage(file: UploadFile, allowed: readonly ImageKind[], maxBytes: number, path: string): void {
  const refuse = (errcode: number, why: string): never => {
    throw new WechatApiError(errcode, why, path, { local: true });
  };
  const names = allowed.join('/');
  if (file.data.length === 0) refuse(LOCAL_ERRCODES.FILE_SIZE, 'the file is empty');
  if (file.data.length > maxBytes) {
    refuse(LOCAL_ERRCODES.FILE_SIZE, `the file has ${file.data.length} bytes, more than the ${maxBytes} allowed`);
  }
  const kind = sniffImage(file.data);
  if (kind === undefined || !allowed.includes(kind)) refuse(LOCAL_ERRCODES.FILE_TYPE, `the bytes are not a ${names} image`);
  const { mime, exts } = IMAGE_KINDS[kind as ImageKind];
  const ext = /\.([^./\\]+)$/.exec(file.filename)?.[1]?.toLowerCase() ?? '';
  if (!exts.includes(ext)) refuse(LOCAL_ERRCODES.FILE_TYPE, `the filename must end in .${exts.join(' or .')} for a ${kind} image`);
  const declared = file.contentType.split(';')[0]?.trim().toLowerCase();
  if (declared !== mime && !(kind === 'jpeg' && declared === 'image/jpg')) {
    refuse(LOCAL_ERRCODES.FILE_TYPE, `the content type must be ${mime} for a ${kind} image`);
  }
}

function checkOpenids(openids: readonly string[], path: string): void {
  if (openids.length > MAX_OPENIDS_PER_TAG_CALL) {
    throw new WechatApiError(
      LOCAL_ERRCODES.TOO_MANY_OPENIDS,
      `${openids.length} openids in one call, at most ${MAX_OPENIDS_PER_TAG_CALL} allowed`,
      path,
      { local: true },
    );
  }
}

/** mass/sendall's 45065 comes with a usable body: it names the first send's msg_id. */
const MASS_DUPLICATE: ReadonlySet<number> = new Set([MASS_DUPLICATE_ERRCODE]);

function publishedArticles(detail: unknown): PublishedArticle[] {
  const items = typeof detail === 'object' && detail !== null ? (detail as Json).item : undefined;
  if (!Array.isArray(items)) return [];
  return items.flatMap((it: unknown): PublishedArticle[] => {
    const item = it as Json;
    return typeof item.idx === 'number' && typeof item.article_url === 'string' ? [{ idx: item.idx, url: item.article_url }] : [];
  });
}

const FREEPUBLISH_STATUSES: ReadonlySet<number> = new Set([0, 1, 2, 3, 4, 5, 6]);
const MASS_STATUSES: ReadonlySet<string> = new Set(['SEND_SUCCESS', 'SENDING', 'SEND_FAIL', 'DELETE']);

/** Refresh this long before WeChat's expiry so a token never dies mid-request. */
const TOKEN_MARGIN_SECONDS = 300;
/** How long another process's refresh is waited for at most, should it die while holding it. */
const REFRESH_LOCK_SECONDS = 10;

/**
 * The slice of WeChat's server API this account uses. One method per endpoint,
 * named after it. The access_token comes from the stable_token endpoint (so several
 * processes or tools fetching it do not invalidate each other) and is cached in the
 * shared TokenStore.
 */
export class WechatClient {
  private readonly appId: string;
  private readonly appSecret: string;
  private readonly apiBase: string;
  private readonly store: TokenStore;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly tokenKey: string;
  private pendingToken: Promise<string> | undefined;

  constructor(opts: WechatClientOptions) {
    this.appId = opts.appId;
    this.appSecret = opts.appSecret;
    this.apiBase = opts.apiBase.replace(/\/+$/, '');
    this.store = opts.tokenStore;
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.tokenKey = `wechat:access_token:${opts.appId}`;
  }

  /** Cached token, else a fresh one; concurrent callers share one lookup and one request. */
  getAccessToken(): Promise<string> {
    return this.singleFlight(async () => (await this.store.get(this.tokenKey)) ?? this.refreshOnce());
  }

  /**
   * A new token, fetched by one process at a time when the store can say who refreshes: the
   * others wait for it to appear, and fetch it themselves only if it does not come in time.
   */
  private async refreshOnce(): Promise<string> {
    if (!this.store.add) return this.fetchStableToken(false);
    const lockKey = `${this.tokenKey}:refreshing`;
    if (await this.store.add(lockKey, '1', REFRESH_LOCK_SECONDS)) {
      try {
        return await this.fetchStableToken(false);
      } finally {
        await this.store.delete(lockKey);
      }
    }
    for (let waited = 0; waited < this.timeoutMs; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
      const token = await this.store.get(this.tokenKey);
      if (token) return token;
    }
    return this.fetchStableToken(false);
  }

  /** https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html */
  async messageCustomSend(msg: CustomMessage): Promise<void> {
    await this.withToken((token) => this.postJson('/cgi-bin/message/custom/send', token, msg));
  }

  /** https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Typing.html */
  async messageCustomTyping(toUser: string, command: TypingCommand = 'Typing'): Promise<void> {
    await this.withToken((token) => this.postJson('/cgi-bin/message/custom/typing', token, { touser: toUser, command }));
  }

  /**
   * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
   * Returns msgid as a string: it is read from the raw body so a 64-bit id keeps its digits.
   */
  async messageTemplateSend(payload: TemplateMessage): Promise<string> {
    return this.withToken(async (token) => {
      const { data, text } = await this.postJsonRaw('/cgi-bin/message/template/send', token, payload);
      return idOf(text, data, 'msgid') ?? textOf(data.msgid);
    });
  }

  /** https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Creating_Custom-Defined_Menu.html */
  async menuCreate(menu: Menu): Promise<void> {
    await this.withToken((token) => this.postJson('/cgi-bin/menu/create', token, menu));
  }

  /** https://developers.weixin.qq.com/doc/offiaccount/User_Management/Get_users_basic_information_UnionID.html */
  async userInfo(openid: string, lang: 'zh_CN' | 'zh_TW' | 'en' = 'zh_CN'): Promise<UserInfo> {
    const path = '/cgi-bin/user/info';
    const data = await this.withToken(async (token) => {
      const res = await this.send(path, 'GET', token, { openid, lang });
      return this.readJson(res, path, token);
    });
    if (typeof data.openid !== 'string' || typeof data.subscribe !== 'number') {
      throw new WechatApiError(-1, 'unexpected user/info response', path);
    }
    return data as unknown as UserInfo;
  }

  /**
   * https://developers.weixin.qq.com/doc/offiaccount/Asset_Management/Get_temporary_materials.html
   * Bytes on success; WeChat answers errors with a JSON body (often labelled text/plain).
   */
  async mediaGet(mediaId: string): Promise<MediaFile> {
    const path = '/cgi-bin/media/get';
    return this.withToken(async (token) => {
      const res = await this.send(path, 'GET', token, { media_id: mediaId });
      const contentType = res.headers.get('content-type') ?? 'application/octet-stream';
      const data = Buffer.from(await this.readBody(res, path, (r) => r.arrayBuffer()));
      const looksJson = /json|text\/plain/i.test(contentType) || data[0] === 0x7b;
      if (!looksJson) {
        if (!res.ok) throw new WechatApiError(-1, `HTTP ${res.status}`, path);
        return { contentType, data };
      }
      const json = this.parseJson(data.toString('utf8'), res.status, path, token);
      if (typeof json.video_url === 'string') return { contentType, data, videoUrl: json.video_url };
      throw new WechatApiError(-1, 'media/get returned JSON without media', path);
    });
  }

  /**
   * The bytes behind a `video_url` that `mediaGet` answered for a video: WeChat's download link,
   * fetched without the access token. Refuses a link that is not http(s) and a file over
   * `maxBytes` (by its Content-Length, and again while reading, so a lying header costs at most
   * `maxBytes`) with `LOCAL_ERRCODES.FILE_SIZE`. Errors carry the label `video_url`, never the link (it may carry a signature).
   */
  async mediaDownload(link: string, maxBytes: number): Promise<MediaFile> {
    const path = 'video_url';
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      throw new WechatApiError(-1, 'the video link is not a URL', path);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WechatApiError(-1, 'the video link is not http(s)', path);
    let res: Response;
    try {
      res = await this.fetchImpl(url, { method: 'GET', signal: AbortSignal.timeout(Math.max(this.timeoutMs, DOWNLOAD_TIMEOUT_MS)) });
    } catch (err) {
      throw new WechatApiError(-1, `request failed: ${describeTransportError(err)}`, path, { uncertain: true });
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new WechatApiError(-1, `HTTP ${res.status}`, path);
    }
    const tooLarge = () => new WechatApiError(LOCAL_ERRCODES.FILE_SIZE, `the video is larger than ${maxBytes} bytes`, path, { local: true });
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = res.body?.getReader();
    for (;;) {
      let part: ReadableStreamReadResult<Uint8Array> | undefined;
      try {
        part = await reader?.read();
      } catch (err) {
        throw new WechatApiError(-1, `reading response failed: ${describeTransportError(err)}`, path, { uncertain: true });
      }
      if (!part || part.done) break;
      size += part.value.byteLength;
      if (size > maxBytes) {
        await reader?.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(part.value);
    }
    return { contentType: res.headers.get('content-type') ?? 'application/octet-stream', data: Buffer.concat(chunks, size) };
  }

  /**
   * https://developers.weixin.qq.com/doc/offiaccount/Asset_Management/Adding_Permanent_Assets.html
   * (上传图文消息内的图片获取URL). An image for inside article HTML: jpg or png, at most 1 MiB,
   * refused locally otherwise. The URL is an `http://mmbiz.qpic.cn/...` address usable only
   * inside WeChat articles; the upload does not count against the material quota.
   */
  async mediaUploadImg(file: UploadFile): Promise<{ url: string }> {
    const path = '/cgi-bin/media/uploadimg';
    checkImage(file, ['jpeg', 'png'], UPLOADIMG_MAX_BYTES, path);
    const { data } = await this.withToken((token) => this.postMultipart(path, token, {}, file));
    if (typeof data.url !== 'string' || data.url === '') throw new WechatApiError(-1, 'uploadimg response has no url', path);
    return { url: data.url };
  }

  /**
   * https://developers.weixin.qq.com/doc/offiaccount/Asset_Management/Adding_Permanent_Assets.html
   * A permanent image material (a draft's cover is one): bmp/png/jpeg/gif, at most 10 MiB,
   * refused locally otherwise.
   */
  async materialAddImage(file: UploadFile): Promise<{ mediaId: string; url: string }> {
    const path = '/cgi-bin/material/add_material';
    checkImage(file, ['jpeg', 'png', 'gif', 'bmp'], MATERIAL_IMAGE_MAX_BYTES, path);
    const { data } = await this.withToken((token) => this.postMultipart(path, token, { type: 'image' }, file));
    if (typeof data.media_id !== 'string' || data.media_id === '') {
      throw new WechatApiError(-1, 'add_material response has no media_id', path);
    }
    return { mediaId: data.media_id, url: typeof data.url === 'string' ? data.url : '' };
  }

  /**
   * https://developers.weixin.qq.com/doc/offiaccount/Draft_Box/Add_draft.html
   * One draft of 1 to 8 articles (refused locally otherwise). Not idempotent: every successful
   * call makes a new draft, so a caller that retries should first record the media_id it got.
   */
  async draftAdd(articles: readonly DraftArticle[]): Promise<{ mediaId: string }> {
    const path = '/cgi-bin/draft/add';
    if (articles.length === 0) throw new WechatApiError(LOCAL_ERRCODES.EMPTY_NEWS, 'a draft needs at least one article', path, { local: true });
    if (articles.length > MAX_DRAFT_ARTICLES) {
      throw new WechatApiError(LOCAL_ERRCODES.TOO_MANY_ARTICLES, `${articles.length} articles, at most ${MAX_DRAFT_ARTICLES} in a draft`, path, {
        local: true,
      });
    }
    const { data } = await this.withToken((token) => this.postJsonRaw(path, token, { articles }));
    if (typeof data.media_id !== 'string' || data.media_id === '') throw new WechatApiError(-1, 'draft/add response has no media_id', path);
    return { mediaId: data.media_id };
  }

  /** https://developers.weixin.qq.com/doc/offiaccount/Draft_Box/Delete_draft.html */
  async draftDelete(mediaId: string): Promise<void> {
    await this.withToken((token) => this.postJson('/cgi-bin/draft/delete', token, { media_id: mediaId }));
  }

  /**
   * https://developers.weixin.qq.com/doc/offiaccount/Publish/Publish.html
   * Starts publishing a draft (发布, not a mass send: followers get no notification). The result
   * comes later: poll `freepublishGet`, or wait for the PUBLISHJOBFINISH event.
   */
  async freepublishSubmit(mediaId: string): Promise<{ publishId: string; msgDataId?: string }> {
    const path = '/cgi-bin/freepublish/submit';
    const { data, text } = await this.withToken((token) => this.postJsonRaw(path, token, { media_id: mediaId }));
    const publishId = idOf(text, data, 'publish_id');
    if (publishId === undefined) throw new WechatApiError(-1, 'freepublish/submit response has no publish_id', path);
    const msgDataId = idOf(text, data, 'msg_data_id');
    return msgDataId === undefined ? { publishId } : { publishId, msgDataId };
  }

  /**
   * https://developers.weixin.qq.com/doc/offiaccount/Publish/Get_status.html
   * Status 1 means "still publishing": ask again later.
   */
  async freepublishGet(publishId: string): Promise<FreepublishState> {
    const path = '/cgi-bin/freepublish/get';
    const { data, text } = await this.withToken((token) => this.postJsonRaw(path, token, { publish_id: publishId }));
    const status = data.publish_status;
    if (typeof status !== 'number' || !FREEPUBLISH_STATUSES.has(status)) {
      throw new WechatApiError(-1, `unexpected publish_status ${textOf(status)}`, path);
    }
    const id = idOf(text, data, 'publish_id') ?? publishId;
    const articleId = typeof data.article_id === 'string' && data.article_id !== '' ? data.article_id : undefined;
    const articles = publishedArticles(data.article_detail);
    const failIdx = Array.isArray(data.fail_idx) ? data.fail_idx.filter((n): n is number => typeof n === 'number') : [];
    switch (status) {
      case 0:
        if (articleId === undefined) throw new WechatApiError(-1, 'freepublish/get success without article_id', path);
        return { publishId: id, status, articleId, articles };
      case 1:
        return { publishId: id, status };
      case 2:
      case 3:
      case 4:
        return { publishId: id, status, failIdx };
      default:
        return articleId === undefined
          ? { publishId: id, status: status as 5 | 6, articles }
          : { publishId: id, status: status as 5 | 6, articleId, articles };
    }
  }

  /**
   * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Batch_Sends_and_Originality_Checks.html
   * (根据标签进行群发). Counts against the account's mass-send quota (one a day for a subscription
   * account; 45028 when spent). With `clientMsgId`, a repeated send answers the first one's msg_id
   * with `duplicate: true` instead of sending again.
   */
  async massSendAllByTag(req: MassSendRequest): Promise<MassSendResult> {
    const path = '/cgi-bin/message/mass/sendall';
    const filter = req.isToAll === true ? { is_to_all: true } : { is_to_all: false, tag_id: req.tagId };
    const content =
      req.mpnewsMediaId !== undefined
        ? { msgtype: 'mpnews', mpnews: { media_id: req.mpnewsMediaId }, send_ignore_reprint: req.sendIgnoreReprint ? 1 : 0 }
        : { msgtype: 'text', text: { content: req.text } };
    const body = { filter, ...content, ...(req.clientMsgId === undefined ? {} : { clientmsgid: req.clientMsgId }) };
    const { data, text } = await this.withToken((token) => this.postJsonRaw(path, token, body, MASS_DUPLICATE));
    const duplicate = data.errcode === MASS_DUPLICATE_ERRCODE;
    const msgId = idOf(text, data, 'msg_id');
    if (msgId === undefined) {
      if (duplicate) throw new WechatApiError(MASS_DUPLICATE_ERRCODE, this.scrub(textOf(data.errmsg), undefined), path);
      throw new WechatApiError(-1, 'mass/sendall response has no msg_id', path);
    }
    const msgDataId = idOf(text, data, 'msg_data_id');
    return msgDataId === undefined ? { msgId, duplicate } : { msgId, msgDataId, duplicate };
  }

  /** https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Batch_Sends_and_Originality_Checks.html (查询群发消息发送状态) */
  async massGet(msgId: string): Promise<{ msgId: string; status: MassSendStatus }> {
    const path = '/cgi-bin/message/mass/get';
    const { data, text } = await this.withToken((token) => this.postJsonRaw(path, token, { msg_id: msgId }));
    const status = data.msg_status;
    if (typeof status !== 'string' || !MASS_STATUSES.has(status)) throw new WechatApiError(-1, `unexpected msg_status ${textOf(status)}`, path);
    return { msgId: idOf(text, data, 'msg_id') ?? msgId, status: status as MassSendStatus };
  }

  /**
   * https://developers.weixin.qq.com/doc/offiaccount/User_Management/User_Tag_Management.html
   * Names are unique (45157 otherwise) and at most 30 characters (refused locally); an account
   * has at most 100 tags (45056).
   */
  async tagsCreate(name: string): Promise<{ id: number; name: string }> {
    const path = '/cgi-bin/tags/create';
    if ([...name].length > MAX_TAG_NAME_CHARS) {
      throw new WechatApiError(LOCAL_ERRCODES.TAG_NAME_TOO_LONG, `tag name longer than ${MAX_TAG_NAME_CHARS} characters`, path, { local: true });
    }
    const { data } = await this.withToken((token) => this.postJsonRaw(path, token, { tag: { name } }));
    const tag = data.tag as Json | undefined;
    if (typeof tag !== 'object' || tag === null || typeof tag.id !== 'number' || typeof tag.name !== 'string') {
      throw new WechatApiError(-1, 'tags/create response has no tag', path);
    }
    return { id: tag.id, name: tag.name };
  }

  /** https://developers.weixin.qq.com/doc/offiaccount/User_Management/User_Tag_Management.html (获取公众号已创建的标签) */
  async tagsGet(): Promise<UserTag[]> {
    const path = '/cgi-bin/tags/get';
    const data = await this.withToken(async (token) => this.readJson(await this.send(path, 'GET', token), path, token));
    if (!Array.isArray(data.tags)) throw new WechatApiError(-1, 'tags/get response has no tags', path);
    return data.tags.flatMap((t: unknown): UserTag[] => {
      const tag = t as Json;
      return typeof tag.id === 'number' && typeof tag.name === 'string'
        ? [{ id: tag.id, name: tag.name, count: typeof tag.count === 'number' ? tag.count : 0 }]
        : [];
    });
  }

  /**
   * https://developers.weixin.qq.com/doc/offiaccount/User_Management/User_Tag_Management.html (批量为用户打标签)
   * At most 50 openids per call (refused locally); a follower carries at most 20 tags (45059).
   */
  async tagsMembersBatchTagging(tagId: number, openids: readonly string[]): Promise<void> {
    const path = '/cgi-bin/tags/members/batchtagging';
    checkOpenids(openids, path);
    await this.withToken((token) => this.postJson(path, token, { openid_list: openids, tagid: tagId }));
  }

  /** https://developers.weixin.qq.com/doc/offiaccount/User_Management/User_Tag_Management.html (批量为用户取消标签); at most 50 openids per call. */
  async tagsMembersBatchUntagging(tagId: number, openids: readonly string[]): Promise<void> {
    const path = '/cgi-bin/tags/members/batchuntagging';
    checkOpenids(openids, path);
    await this.withToken((token) => this.postJson(path, token, { openid_list: openids, tagid: tagId }));
  }

  /** https://developers.weixin.qq.com/doc/offiaccount/User_Management/User_Tag_Management.html (获取用户身上的标签列表) */
  async userTagsOf(openid: string): Promise<number[]> {
    const path = '/cgi-bin/tags/getidlist';
    const { data } = await this.withToken((token) => this.postJsonRaw(path, token, { openid }));
    if (!Array.isArray(data.tagid_list)) throw new WechatApiError(-1, 'tags/getidlist response has no tagid_list', path);
    return data.tagid_list.filter((n): n is number => typeof n === 'number');
  }

  /**
   * https://developers.weixin.qq.com/doc/offiaccount/User_Management/User_Tag_Management.html (获取标签下粉丝列表)
   * One page of up to 10,000 followers; pass `nextOpenid` back until it is ''.
   */
  async tagsUserGet(tagId: number, nextOpenid = ''): Promise<TagFollowersPage> {
    const path = '/cgi-bin/user/tag/get';
    const { data } = await this.withToken((token) => this.postJsonRaw(path, token, { tagid: tagId, next_openid: nextOpenid }));
    const list = (data.data as Json | undefined)?.openid;
    const openids = Array.isArray(list) ? list.filter((o): o is string => typeof o === 'string') : [];
    const next = typeof data.next_openid === 'string' ? data.next_openid : '';
    // next_openid is the page's last openid, so the list ends with an empty page (or an empty next).
    return { openids, nextOpenid: openids.length === 0 ? '' : next };
  }

  /**
   * https://developers.weixin.qq.com/doc/offiaccount/User_Management/Getting_a_User_List.html
   * One page of up to 10,000 of the account's followers, from the start or after `nextOpenid`.
   * WeChat's last page names its own last openid as next_openid, so the list ends with an empty
   * page (or an empty `nextOpenid`); `nextOpenid` is '' whenever the page is empty.
   */
  async userGet(nextOpenid = ''): Promise<FollowerListPage> {
    const path = '/cgi-bin/user/get';
    const data = await this.withToken(async (token) => {
      const res = await this.send(path, 'GET', token, nextOpenid === '' ? {} : { next_openid: nextOpenid });
      return this.readJson(res, path, token);
    });
    const { total, count } = data;
    if (!isCount(total) || !isCount(count)) throw new WechatApiError(-1, 'user/get response has no total or count', path);
    // `data` is left out when the page is empty.
    const list = count === 0 && data.data === undefined ? [] : (data.data as Json | undefined)?.openid;
    if (!Array.isArray(list) || list.length !== count || !list.every((o): o is string => typeof o === 'string' && o !== '')) {
      throw new WechatApiError(-1, 'user/get response has no openid list of its count', path);
    }
    const next = data.next_openid ?? '';
    if (typeof next !== 'string') throw new WechatApiError(-1, 'user/get response has a malformed next_openid', path);
    return { total, count, openids: list, nextOpenid: list.length === 0 ? '' : next };
  }

  /** https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/getStableAccessToken.html */
  private async fetchStableToken(forceRefresh: boolean): Promise<string> {
    const path = '/cgi-bin/stable_token';
    const body = { grant_type: 'client_credential', appid: this.appId, secret: this.appSecret, force_refresh: forceRefresh };
    const { data } = await this.postJsonRaw(path, undefined, body);
    const token = data.access_token;
    const expiresIn = data.expires_in;
    if (typeof token !== 'string' || token === '' || typeof expiresIn !== 'number') {
      throw new WechatApiError(-1, 'stable_token response has no access_token', path);
    }
    const ttl = Math.floor(expiresIn - TOKEN_MARGIN_SECONDS);
    if (ttl > 0) await this.store.set(this.tokenKey, token, ttl);
    return token;
  }

  private singleFlight(load: () => Promise<string>): Promise<string> {
    this.pendingToken ??= load().finally(() => {
      this.pendingToken = undefined;
    });
    return this.pendingToken;
  }

  /** Runs a call; if WeChat rejects the token, refreshes it and retries exactly once. */
  private async withToken<T>(run: (token: string) => Promise<T>): Promise<T> {
    const token = await this.getAccessToken();
    try {
      return await run(token);
    } catch (err) {
      if (!(err instanceof WechatApiError) || !TOKEN_ERRCODES.has(err.errcode)) throw err;
      return run(await this.tokenAfterFailure(token));
    }
  }

  private async tokenAfterFailure(failed: string): Promise<string> {
    // Another process may already have stored a new token: delete only the one that failed.
    if ((await this.store.get(this.tokenKey)) === failed) await this.store.delete(this.tokenKey);
    const next = await this.getAccessToken();
    if (next !== failed) return next;
    // stable_token hands back the current token until it expires; WeChat just refused it.
    return this.singleFlight(() => this.fetchStableToken(true));
  }

  private async postJson(path: string, token: string, body: unknown): Promise<void> {
    await this.postJsonRaw(path, token, body);
  }

  /** `alsoOk`: non-zero errcodes this endpoint answers with a usable body; they do not throw. */
  private async postJsonRaw(
    path: string,
    token: string | undefined,
    body: unknown,
    alsoOk?: ReadonlySet<number>,
  ): Promise<{ data: Json; text: string }> {
    const res = await this.send(path, 'POST', token, undefined, JSON.stringify(body));
    const text = await this.readBody(res, path, (r) => r.text());
    return { data: this.parseJson(text, res.status, path, token, alsoOk), text };
  }

  /** POSTs `file` as the multipart field `media`, as WeChat's upload endpoints expect. */
  private async postMultipart(path: string, token: string, query: Record<string, string>, file: UploadFile): Promise<{ data: Json; text: string }> {
    const form = new FormData();
    // A copy: Blob takes only ArrayBuffer-backed views, and a Buffer may sit on a shared pool.
    form.append('media', new Blob([new Uint8Array(file.data)], { type: file.contentType }), file.filename);
    const res = await this.send(path, 'POST', token, query, form);
    const text = await this.readBody(res, path, (r) => r.text());
    return { data: this.parseJson(text, res.status, path, token), text };
  }

  private async readJson(res: Response, path: string, token: string): Promise<Json> {
    return this.parseJson(await this.readBody(res, path, (r) => r.text()), res.status, path, token);
  }

  private async send(
    path: string,
    method: 'GET' | 'POST',
    token: string | undefined,
    query?: Record<string, string>,
    body?: string | FormData,
  ): Promise<Response> {
    const url = new URL(this.apiBase + path);
    if (token !== undefined) url.searchParams.set('access_token', token);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    try {
      return await this.fetchImpl(url, {
        method,
        // FormData sets its own multipart content type with the boundary.
        headers: typeof body === 'string' ? { 'content-type': 'application/json; charset=utf-8' } : {},
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const cause = describeTransportError(err);
      throw new WechatApiError(-1, `request failed: ${cause}`, path, { uncertain: !NOT_SENT_ERRORS.has(cause) });
    }
  }

  private async readBody<T>(res: Response, path: string, read: (r: Response) => Promise<T>): Promise<T> {
    try {
      return await read(res);
    } catch (err) {
      throw new WechatApiError(-1, `reading response failed: ${describeTransportError(err)}`, path, { uncertain: true });
    }
  }

  /** Parses a JSON reply and throws WechatApiError for a non-zero errcode. */
  private parseJson(text: string, status: number, path: string, token: string | undefined, alsoOk?: ReadonlySet<number>): Json {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new WechatApiError(-1, status >= 400 ? `HTTP ${status}` : 'response is not JSON', path, { uncertain: true });
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new WechatApiError(-1, 'response is not a JSON object', path);
    }
    const json = data as Json;
    const errcode = typeof json.errcode === 'number' ? json.errcode : 0;
    if (errcode !== 0 && !alsoOk?.has(errcode)) throw new WechatApiError(errcode, this.scrub(textOf(json.errmsg), token), path);
    if (status >= 400) throw new WechatApiError(-1, `HTTP ${status}`, path, { uncertain: true });
    return json;
  }

  /** Belt and braces: WeChat does not echo credentials, but a proxy in between might. */
  private scrub(message: string, token: string | undefined): string {
    let out = message.split(this.appSecret).join('***');
    if (token) out = out.split(token).join('***');
    return out.slice(0, 500);
  }
}

/** A count in an answer: a whole number, not negative. */
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Transport errors raised before the request could leave this machine: WeChat never saw it. */
const NOT_SENT_ERRORS: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** A transport error's code (fetch puts it on `cause`, node:http on the error), or `timeout`. */
function describeTransportError(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout';
  const cause = (err as { cause?: unknown }).cause;
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : err.name;
}
