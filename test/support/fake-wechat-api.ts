// A local stand-in for api.weixin.qq.com: a real HTTP server speaking the endpoints
// WechatClient uses, so tests exercise the real client (URLs, tokens, retries).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCall {
  path: string;
  /**
   * Parsed JSON body for POSTs; the query parameters (minus access_token) for GETs; for a
   * multipart upload, the other query parameters and `media: { filename, contentType, size }`.
   */
  body: unknown;
  token?: string;
}

export interface FakeFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** A draft article as the fake keeps it: the posted JSON. */
export type FakeDraftArticle = Record<string, unknown> & { title: string; content: string; thumb_media_id: string };

export interface FakeMassSend {
  msgId: string;
  /** `all` for is_to_all, else the tag id. */
  to: 'all' | number;
  msgtype: 'mpnews' | 'text';
  /** The draft's media_id (mpnews) or the text (text). */
  content: string;
  clientMsgId?: string;
  /** The tag's members when it was sent; undefined for is_to_all. */
  recipients?: string[];
  /** The China-time date (YYYY-MM-DD) whose quota it used. */
  day: string;
}

/** A customer-service or template message the fake accepted. */
export interface FakeMessageSent {
  path: '/cgi-bin/message/custom/send' | '/cgi-bin/message/template/send';
  touser: string;
  /** When the fake received it (epoch ms, the real clock). */
  at: number;
  body: Record<string, unknown>;
}

export interface FakeWechatApiOptions {
  appId?: string;
  appSecret?: string;
  /** Mass sends allowed per China-time day; default 1 (a subscription account). */
  massQuotaPerDay?: number;
  /** How many freepublish/get answers say "publishing" (1) before the outcome; default 1. */
  publishPolls?: number;
  /** The clock for the mass-send day; default Date.now. */
  now?: () => number;
  /**
   * Keep every call in `calls` and every accepted message in `messagesSent` (default true). A
   * long benchmark turns it off and reads `messageCount` and `sendTimes` instead.
   */
  keepCalls?: boolean;
}

export interface FakeWechatApi {
  baseUrl: string;
  calls: FakeCall[];
  /** How many distinct access_tokens the stable_token endpoint has handed out. */
  readonly tokensIssued: number;
  /** Marks the current token invalid: the next call made with it gets 40001. */
  expireCurrentToken(): void;
  /** The next call to `path` (any token, even stable_token) answers `{ errcode }`. */
  failNext(path: string, errcode: number): void;
  /** The call to `path` after the next `succeed` calls answers `{ errcode }` (they are answered as usual). */
  failAfter(path: string, succeed: number, errcode: number): void;
  /** Media served by /cgi-bin/media/get (a small JPEG-ish `fake-media` is preloaded). */
  setMedia(mediaId: string, file: { contentType: string; data: Buffer }): void;
  /**
   * A video: /cgi-bin/media/get answers `{"video_url": …}` as WeChat does, and the link (on this
   * server, `/video-cdn/…`, no token) serves the bytes.
   */
  setVideo(mediaId: string, file: { contentType: string; data: Buffer }): void;
  /** An image stored by /cgi-bin/media/uploadimg, by the URL it answered. */
  uploadedImage(url: string): FakeFile | undefined;
  /** A permanent material stored by /cgi-bin/material/add_material. */
  material(mediaId: string): (FakeFile & { url: string }) | undefined;
  /** The articles of a draft as posted to /cgi-bin/draft/add; undefined once deleted or never made. */
  draft(mediaId: string): FakeDraftArticle[] | undefined;
  /** How many drafts exist now. */
  readonly draftCount: number;
  /**
   * How the next freepublish/submit ends: `polls` answers of 1 (publishing) to freepublish/get,
   * then `status` (with `failIdx` for 2 and 4). Queued; without one, the `publishPolls` option
   * and success.
   */
  setNextPublishOutcome(outcome: { polls?: number; status: 0 | 2 | 3 | 4; failIdx?: number[] }): void;
  /** Changes a publish job's status from now on, e.g. 5 (deleted) or 6 (banned) after success. */
  setPublishStatus(publishId: string, status: number): void;
  /** Mass sends accepted so far, in order. */
  readonly massSends: readonly FakeMassSend[];
  /** Sets the per-day mass-send quota (default 1, a subscription account). */
  setMassQuota(perDay: number): void;
  /** What is left of today's quota (today in China time, by the `now` option). */
  massQuotaLeftToday(): number;
  /** What message/mass/get answers for `msgId` from now on (default SEND_SUCCESS). */
  setMassStatus(msgId: string, status: 'SEND_SUCCESS' | 'SENDING' | 'SEND_FAIL' | 'DELETE'): void;
  /** The tags that exist, with their member counts, as tags/get lists them. */
  tags(): Array<{ id: number; name: string; count: number }>;
  /** A tag's followers in the order they were tagged. */
  tagMembers(tagId: number): string[];
  /** The tag ids a follower carries. */
  tagsOf(openid: string): number[];
  /** Customer-service and template messages accepted, in the order they came. */
  readonly messagesSent: readonly FakeMessageSent[];
  /** How many customer-service and template messages were accepted (also without keepCalls). */
  readonly messageCount: number;
  /** Receive times (epoch ms) of the accepted messages, in order (kept also without keepCalls). */
  readonly sendTimes: readonly number[];
  /**
   * Messages (customer-service and template) to `openid` are refused with `errcode`: the next
   * `times` of them (default: every one from now on).
   */
  failFor(openid: string, errcode: number, times?: number): void;
  /**
   * The next `times` messages to `openid` (default 1) are delivered, but the answer is lost: a
   * gateway's HTTP 502 page comes back instead, as when WeChat's answer does not reach us.
   */
  loseAnswerFor(openid: string, times?: number): void;
  /**
   * The follower unfollowed: messages to them get 43004 (WeChat's "require subscribe"), and
   * user/get no longer lists them.
   */
  setUnsubscribed(openid: string): void;
  /** The account's followers in the order user/get lists them (replaces the list; empty at start). */
  setFollowers(openids: readonly string[]): void;
  /** Openids per user/get page (default 10,000, as WeChat), smaller to test paging. */
  setFollowerPageSize(n: number): void;
  /** Every answer to `path` waits this long first (0: none). */
  setDelay(path: string, ms: number): void;
  /**
   * Resolves with the first call to `path` not yet returned by an earlier waitForCall,
   * including calls that arrived before this was called.
   */
  waitForCall(path: string, timeoutMs?: number): Promise<FakeCall>;
  close(): Promise<void>;
}

const API_PATHS = new Set([
  '/cgi-bin/message/custom/send',
  '/cgi-bin/message/custom/typing',
  '/cgi-bin/message/template/send',
  '/cgi-bin/menu/create',
  '/cgi-bin/user/info',
  '/cgi-bin/media/get',
  '/cgi-bin/media/uploadimg',
  '/cgi-bin/material/add_material',
  '/cgi-bin/draft/add',
  '/cgi-bin/draft/delete',
  '/cgi-bin/freepublish/submit',
  '/cgi-bin/freepublish/get',
  '/cgi-bin/message/mass/sendall',
  '/cgi-bin/message/mass/get',
  '/cgi-bin/tags/create',
  '/cgi-bin/tags/get',
  '/cgi-bin/tags/members/batchtagging',
  '/cgi-bin/tags/members/batchuntagging',
  '/cgi-bin/tags/getidlist',
  '/cgi-bin/user/tag/get',
  '/cgi-bin/user/get',
]);

type Json = Record<string, unknown>;
type Answer = Json | string;

const MIB = 1024 * 1024;
const MAX_TAGS = 100;
const MAX_TAGS_PER_FOLLOWER = 20;
const TAG_PAGE = 10000;
const FOLLOWER_PAGE = 10000;
/** Tags every account has; ids of created tags start at 100. */
const SYSTEM_TAGS: ReadonlyArray<[number, string]> = [[2, '星标组']];

const err = (errcode: number, errmsg: string): Json => ({ errcode, errmsg });
const rand = (n: number): string => {
  let out = '';
  while (out.length < n) out += Math.random().toString(36).slice(2);
  return out.slice(0, n);
};
const extOf = (filename: string): string => /\.([^./\\]+)$/.exec(filename)?.[1]?.toLowerCase() ?? '';
const asObject = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
/** The China-time (UTC+8) date of an epoch-ms instant: WeChat's quota day. */
const chinaDay = (ms: number): string => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

interface PublishJob {
  mediaId: string;
  pollsLeft: number;
  status: number;
  failIdx: number[];
  articleId?: string;
  urls?: string[];
}

export async function startFakeWechatApi(opts: FakeWechatApiOptions = {}): Promise<FakeWechatApi> {
  const appId = opts.appId ?? 'wx-fake-appid';
  const appSecret = opts.appSecret ?? 'fake-secret';
  const calls: FakeCall[] = [];
  const taken = new Set<FakeCall>();
  const waiters: Array<{ path: string; resolve: (c: FakeCall) => void }> = [];
  const failures = new Map<string, number[]>();
  const media = new Map<string, { contentType: string; data: Buffer; video?: true }>([
    ['fake-media', { contentType: 'image/jpeg', data: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]) }],
  ]);
  let tokensIssued = 0;
  let current: string | undefined;
  const valid = new Set<string>();
  let templateMsgId = 200163836n;
  const now = opts.now ?? (() => Date.now());
  const images = new Map<string, FakeFile>();
  const materials = new Map<string, FakeFile & { url: string }>();
  const drafts = new Map<string, FakeDraftArticle[]>();
  const publishes = new Map<string, PublishJob>();
  const publishOutcomes: Array<{ polls?: number; status: 0 | 2 | 3 | 4; failIdx?: number[] }> = [];
  let publishSeq = 2247483647;
  let massQuota = opts.massQuotaPerDay ?? 1;
  const massUsed = new Map<string, number>();
  const massSends: FakeMassSend[] = [];
  const massStatus = new Map<string, string>();
  let massSeq = 1000000000;
  const tagNames = new Map<number, string>(SYSTEM_TAGS);
  const tagMembers = new Map<number, Set<string>>(SYSTEM_TAGS.map(([id]) => [id, new Set<string>()]));
  const followerTags = new Map<string, Set<number>>();
  let nextTagId = 100;
  const keepCalls = opts.keepCalls ?? true;
  const messagesSent: FakeMessageSent[] = [];
  const sendTimes: number[] = [];
  let messageCount = 0;
  const openidFailures = new Map<string, { errcode: number; times: number }>();
  const lostAnswers = new Map<string, number>();
  // Template messages by touser and client_msg_id: WeChat sends one per pair within 10 minutes.
  const templateIds = new Map<string, number>();
  const unsubscribed = new Set<string>();
  const delays = new Map<string, number>();
  const laterFailures = new Map<string, { succeed: number; errcode: number }>();
  let followers: string[] = [];
  let followerPage = FOLLOWER_PAGE;

  function issue(): string {
    tokensIssued++;
    current = `fake-token-${tokensIssued}-${Math.random().toString(36).slice(2, 10)}`;
    valid.clear(); // like WeChat: a new stable token retires the old one
    valid.add(current);
    return current;
  }

  function record(call: FakeCall): void {
    if (!keepCalls) return;
    calls.push(call);
    const i = waiters.findIndex((w) => w.path === call.path);
    if (i >= 0) {
      const [w] = waiters.splice(i, 1);
      taken.add(call);
      w?.resolve(call);
    }
  }

  function send(res: ServerResponse, body: unknown, status = 200): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const raw = bytes.toString('utf8');
    const contentType = req.headers['content-type'] ?? '';
    let body: unknown;
    let upload: FakeFile | undefined;
    if (req.method === 'POST' && /^multipart\/form-data/i.test(contentType)) {
      upload = await multipartMedia(bytes, contentType);
      const q: Json = Object.fromEntries(url.searchParams);
      delete q.access_token;
      body = { ...q, media: upload ? { filename: upload.filename, contentType: upload.contentType, size: upload.data.length } : null };
    } else if (req.method === 'POST') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    } else {
      const q = Object.fromEntries(url.searchParams);
      delete q.access_token;
      body = q;
    }
    const token = url.searchParams.get('access_token') ?? undefined;
    record(token === undefined ? { path, body } : { path, body, token });

    const delay = delays.get(path);
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const failure = failures.get(path)?.shift();
    if (failure !== undefined) return send(res, { errcode: failure, errmsg: `forced failure ${failure}` });
    const later = laterFailures.get(path);
    if (later && later.succeed-- === 0) {
      laterFailures.delete(path);
      return send(res, { errcode: later.errcode, errmsg: `forced failure ${later.errcode}` });
    }

    if (path === '/cgi-bin/stable_token') {
      const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
      if (b.grant_type !== 'client_credential') return send(res, { errcode: 40002, errmsg: 'invalid grant_type' });
      if (b.appid !== appId) return send(res, { errcode: 40013, errmsg: 'invalid appid' });
      if (b.secret !== appSecret) return send(res, { errcode: 40125, errmsg: 'invalid appsecret' });
      const token = b.force_refresh === true || current === undefined || !valid.has(current) ? issue() : current;
      return send(res, { access_token: token, expires_in: 7200 });
    }
    if (path.startsWith('/video-cdn/')) {
      const file = media.get(decodeURIComponent(path.slice('/video-cdn/'.length)));
      if (!file?.video) return send(res, { errcode: 404, errmsg: 'no such video' }, 404);
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.data.length });
      res.end(file.data);
      return;
    }
    if (!API_PATHS.has(path)) return send(res, { errcode: 404, errmsg: 'no such endpoint' }, 404);
    if (token === undefined) return send(res, { errcode: 41001, errmsg: 'access_token missing' });
    if (!valid.has(token)) return send(res, { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
    if (req.method === 'POST' && typeof body !== 'object') return send(res, { errcode: 47001, errmsg: 'data format error' });

    if (path === '/cgi-bin/message/custom/send' || path === '/cgi-bin/message/template/send') {
      const b = asObject(body);
      const touser = typeof b.touser === 'string' ? b.touser : '';
      if (!touser) return send(res, err(40003, 'invalid openid'));
      if (unsubscribed.has(touser)) return send(res, err(43004, 'require subscribe'));
      const forced = openidFailures.get(touser);
      if (forced && forced.times > 0) {
        forced.times -= 1;
        return send(res, err(forced.errcode, `forced failure ${forced.errcode}`));
      }
      const at = Date.now();
      const dedupeKey = path === '/cgi-bin/message/template/send' && typeof b.client_msg_id === 'string' ? `${touser}\n${b.client_msg_id}` : '';
      const earlier = dedupeKey ? templateIds.get(dedupeKey) : undefined;
      if (earlier === undefined || at - earlier >= 10 * 60_000) {
        if (dedupeKey) templateIds.set(dedupeKey, at);
        messageCount += 1;
        sendTimes.push(at);
        if (keepCalls) messagesSent.push({ path, touser, at, body: b });
      }
      const lost = lostAnswers.get(touser) ?? 0;
      if (lost > 0) {
        lostAnswers.set(touser, lost - 1);
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
        return;
      }
    }

    switch (path) {
      case '/cgi-bin/message/template/send':
        templateMsgId += 1n;
        return send(res, `{"errcode":0,"errmsg":"ok","msgid":${templateMsgId}}`);
      case '/cgi-bin/user/info': {
        const openid = url.searchParams.get('openid') ?? '';
        if (!openid) return send(res, { errcode: 40003, errmsg: 'invalid openid' });
        return send(res, { subscribe: 1, openid, language: 'zh_CN', subscribe_time: 1700000000, remark: '', tagid_list: [] });
      }
      case '/cgi-bin/media/get': {
        const file = media.get(url.searchParams.get('media_id') ?? '');
        // WeChat labels its JSON errors text/plain on this endpoint.
        if (!file) {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(JSON.stringify({ errcode: 40007, errmsg: 'invalid media_id' }));
          return;
        }
        if (file.video) return send(res, { video_url: `http://127.0.0.1:${port}/video-cdn/${encodeURIComponent(url.searchParams.get('media_id') ?? '')}` });
        res.writeHead(200, { 'content-type': file.contentType });
        res.end(file.data);
        return;
      }
      case '/cgi-bin/media/uploadimg':
      case '/cgi-bin/material/add_material':
        return send(res, uploadAnswer(path, url.searchParams.get('type'), upload));
      case '/cgi-bin/tags/get':
        return send(res, { tags: listTags() });
      case '/cgi-bin/user/get':
        return send(res, followerList(url.searchParams.get('next_openid') ?? ''));
      default: {
        const answer = endpoint(path, asObject(body));
        return answer === undefined ? send(res, { errcode: 0, errmsg: 'ok' }) : send(res, answer);
      }
    }
  }

  /** The multipart field `media`, as WeChat's upload endpoints read it. */
  async function multipartMedia(bytes: Buffer, contentType: string): Promise<FakeFile | undefined> {
    try {
      const form = await new Response(new Uint8Array(bytes), { headers: { 'content-type': contentType } }).formData();
      const media = form.get('media');
      if (media === null || typeof media === 'string') return undefined;
      return { filename: media.name, contentType: media.type, data: Buffer.from(await media.arrayBuffer()) };
    } catch {
      return undefined;
    }
  }

  function uploadAnswer(path: string, type: string | null, file: FakeFile | undefined): Answer {
    if (!file) return err(41005, 'media data missing');
    if (path === '/cgi-bin/media/uploadimg') {
      if (!['jpg', 'jpeg', 'png'].includes(extOf(file.filename))) return err(40005, 'invalid file type');
      if (file.data.length > MIB) return err(40009, 'invalid image size');
      const url = `http://mmbiz.qpic.cn/mmbiz_${extOf(file.filename) === 'png' ? 'png' : 'jpg'}/${rand(54)}/0`;
      images.set(url, file);
      return { url };
    }
    if (type !== 'image') return err(40004, 'invalid media type');
    if (!['bmp', 'png', 'jpeg', 'jpg', 'gif'].includes(extOf(file.filename))) return err(40005, 'invalid file type');
    if (file.data.length > 10 * MIB) return err(40009, 'invalid image size');
    const mediaId = rand(64);
    const fmt = extOf(file.filename) === 'jpg' ? 'jpeg' : extOf(file.filename);
    const url = `http://mmbiz.qpic.cn/mmbiz_${fmt === 'jpeg' ? 'jpg' : fmt}/${rand(54)}/0?wx_fmt=${fmt}`;
    materials.set(mediaId, { ...file, url });
    return { media_id: mediaId, url, item: [] };
  }

  /** JSON endpoints beyond the messaging ones; undefined answers `{ errcode: 0, errmsg: 'ok' }`. */
  function endpoint(path: string, b: Json): Answer | undefined {
    switch (path) {
      case '/cgi-bin/draft/add':
        return draftAdd(b.articles);
      case '/cgi-bin/draft/delete': {
        if (typeof b.media_id !== 'string' || !drafts.delete(b.media_id)) return err(40007, 'invalid media_id');
        return undefined;
      }
      case '/cgi-bin/freepublish/submit': {
        if (typeof b.media_id !== 'string' || !drafts.has(b.media_id)) return err(40007, 'invalid media_id');
        const outcome = publishOutcomes.shift() ?? { polls: opts.publishPolls ?? 1, status: 0 as const };
        const publishId = String(++publishSeq);
        publishes.set(publishId, {
          mediaId: b.media_id,
          pollsLeft: outcome.polls ?? opts.publishPolls ?? 1,
          status: outcome.status,
          failIdx: outcome.failIdx ?? [],
        });
        return `{"errcode":0,"errmsg":"ok","publish_id":"${publishId}","msg_data_id":${publishSeq}}`;
      }
      case '/cgi-bin/freepublish/get':
        return freepublishGet(b.publish_id);
      case '/cgi-bin/message/mass/sendall':
        return massSend(b);
      case '/cgi-bin/message/mass/get': {
        const id = typeof b.msg_id === 'string' || typeof b.msg_id === 'number' ? String(b.msg_id) : '';
        const status = massStatus.get(id);
        if (status === undefined) return err(40007, 'invalid msg_id');
        return `{"msg_id":${id},"msg_status":"${status}"}`;
      }
      case '/cgi-bin/tags/create':
        return tagsCreate(asObject(b.tag).name);
      case '/cgi-bin/tags/members/batchtagging':
      case '/cgi-bin/tags/members/batchuntagging':
        return batchTag(path.endsWith('/batchtagging'), b.tagid, b.openid_list);
      case '/cgi-bin/tags/getidlist': {
        if (typeof b.openid !== 'string' || b.openid === '') return err(40003, 'invalid openid');
        return { tagid_list: [...(followerTags.get(b.openid) ?? [])] };
      }
      case '/cgi-bin/user/tag/get':
        return tagFollowers(b.tagid, typeof b.next_openid === 'string' ? b.next_openid : '');
      default:
        return undefined;
    }
  }

  function draftAdd(articles: unknown): Answer {
    if (!Array.isArray(articles) || articles.length === 0) return err(44003, 'empty news data');
    if (articles.length > 8) return err(45008, 'article size out of limit');
    const kept: FakeDraftArticle[] = [];
    for (const a of articles) {
      const art = asObject(a);
      if (typeof art.title !== 'string' || art.title === '' || typeof art.content !== 'string' || art.content === '') {
        return err(44003, 'empty news data');
      }
      if (typeof art.thumb_media_id !== 'string' || !materials.has(art.thumb_media_id)) return err(40007, 'invalid media_id');
      kept.push(art as FakeDraftArticle);
    }
    const mediaId = rand(64);
    drafts.set(mediaId, kept);
    return { media_id: mediaId, item: [] };
  }

  function freepublishGet(publishId: unknown): Answer {
    const id = typeof publishId === 'string' || typeof publishId === 'number' ? String(publishId) : '';
    const job = publishes.get(id);
    if (!job) return err(40007, 'invalid publish_id');
    if (job.pollsLeft > 0) {
      job.pollsLeft--;
      return { publish_id: id, publish_status: 1, fail_idx: [] };
    }
    if (job.status === 0 && job.articleId === undefined) {
      job.articleId = rand(40);
      job.urls = (drafts.get(job.mediaId) ?? [{}]).map(() => `https://mp.weixin.qq.com/s/${rand(22)}`);
    }
    const detail = job.urls ? { count: job.urls.length, item: job.urls.map((u, i) => ({ idx: i + 1, article_url: u })) } : undefined;
    return {
      publish_id: id,
      publish_status: job.status,
      ...(job.articleId !== undefined && job.status !== 1 ? { article_id: job.articleId } : {}),
      ...(detail && (job.status === 0 || job.status >= 5) ? { article_detail: detail } : {}),
      fail_idx: job.status === 2 || job.status === 4 ? job.failIdx : [],
    };
  }

  function massSend(b: Json): Answer {
    const filter = asObject(b.filter);
    const toAll = filter.is_to_all === true;
    const tagId = filter.tag_id;
    if (!toAll && (typeof tagId !== 'number' || !tagNames.has(tagId))) return err(40050, 'invalid tag_id');
    let content: string;
    if (b.msgtype === 'mpnews') {
      const mediaId = asObject(b.mpnews).media_id;
      if (typeof mediaId !== 'string' || !drafts.has(mediaId)) return err(40007, 'invalid media_id');
      content = mediaId;
    } else if (b.msgtype === 'text') {
      const text = asObject(b.text).content;
      if (typeof text !== 'string' || text === '') return err(44004, 'empty content');
      content = text;
    } else {
      return err(40008, 'invalid message type');
    }
    const clientMsgId = typeof b.clientmsgid === 'string' ? b.clientmsgid : undefined;
    if (clientMsgId !== undefined) {
      if (Buffer.byteLength(clientMsgId) > 64) return err(45067, 'clientmsgid exceeds limit');
      const earlier = massSends.find((m) => m.clientMsgId === clientMsgId);
      if (earlier) return `{"errcode":45065,"errmsg":"clientmsgid exist","msg_id":${earlier.msgId}}`;
    }
    const day = chinaDay(now());
    const used = massUsed.get(day) ?? 0;
    if (used >= massQuota) return err(45028, 'has no masssend quota');
    massUsed.set(day, used + 1);
    const msgId = String(++massSeq);
    const send: FakeMassSend = {
      msgId,
      to: toAll ? 'all' : (tagId as number),
      msgtype: b.msgtype,
      content,
      day,
      ...(clientMsgId === undefined ? {} : { clientMsgId }),
      ...(toAll ? {} : { recipients: [...(tagMembers.get(tagId as number) ?? [])] }),
    };
    massSends.push(send);
    massStatus.set(msgId, 'SEND_SUCCESS');
    return `{"errcode":0,"errmsg":"send job submission success","msg_id":${msgId},"msg_data_id":${2247483647 + massSends.length}}`;
  }

  function listTags(): Array<{ id: number; name: string; count: number }> {
    return [...tagNames].map(([id, name]) => ({ id, name, count: tagMembers.get(id)?.size ?? 0 }));
  }

  function tagsCreate(name: unknown): Answer {
    if (typeof name !== 'string' || name === '') return err(45158, 'invalid tag name');
    if ([...name].length > 30) return err(45158, 'tag name too long');
    if ([...tagNames.values()].includes(name)) return err(45157, 'tag name already exists');
    if (tagNames.size >= MAX_TAGS) return err(45056, 'too many tags');
    const id = nextTagId++;
    tagNames.set(id, name);
    tagMembers.set(id, new Set());
    return { tag: { id, name } };
  }

  function batchTag(tagging: boolean, tagId: unknown, list: unknown): Answer | undefined {
    if (typeof tagId !== 'number' || !tagNames.has(tagId)) return err(45159, 'invalid tag id');
    if (!Array.isArray(list) || list.length === 0 || list.length > 50) return err(40032, 'invalid openid list size');
    const openids: string[] = [];
    for (const o of list) {
      if (typeof o !== 'string' || o === '') return err(40003, 'invalid openid');
      openids.push(o);
    }
    if (tagging) {
      const full = openids.find((o) => {
        const tags = followerTags.get(o);
        return tags !== undefined && !tags.has(tagId) && tags.size >= MAX_TAGS_PER_FOLLOWER;
      });
      if (full !== undefined) return err(45059, 'a follower has too many tags');
    }
    const members = tagMembers.get(tagId) ?? new Set<string>();
    for (const o of openids) {
      const tags = followerTags.get(o) ?? new Set<number>();
      if (tagging) {
        members.add(o);
        tags.add(tagId);
        followerTags.set(o, tags);
      } else {
        members.delete(o);
        tags.delete(tagId);
      }
    }
    return undefined;
  }

  function tagFollowers(tagId: unknown, next: string): Answer {
    if (typeof tagId !== 'number' || !tagNames.has(tagId)) return err(45159, 'invalid tag id');
    const all = [...(tagMembers.get(tagId) ?? [])];
    const start = next === '' ? 0 : all.indexOf(next) + 1;
    if (next !== '' && start === 0) return err(40003, 'invalid next_openid');
    const page = all.slice(start, start + TAG_PAGE);
    if (page.length === 0) return { count: 0, next_openid: '' };
    return { count: page.length, data: { openid: page }, next_openid: page.at(-1) };
  }

  /** user/get: a page after `next`; the last page names its own last openid, then an empty page follows. */
  function followerList(next: string): Answer {
    const start = next === '' ? 0 : followers.indexOf(next) + 1;
    if (next !== '' && start === 0) return err(40003, 'invalid next_openid');
    const page = followers.slice(start, start + followerPage);
    if (page.length === 0) return { total: followers.length, count: 0, next_openid: '' };
    return { total: followers.length, count: page.length, data: { openid: page }, next_openid: page.at(-1) };
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, { errcode: -1, errmsg: 'fake server error' }, 500);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    get tokensIssued() {
      return tokensIssued;
    },
    expireCurrentToken() {
      if (current !== undefined) valid.delete(current);
    },
    failNext(path, errcode) {
      const list = failures.get(path) ?? [];
      list.push(errcode);
      failures.set(path, list);
    },
    failAfter(path, succeed, errcode) {
      laterFailures.set(path, { succeed, errcode });
    },
    setMedia(mediaId, file) {
      media.set(mediaId, file);
    },
    setVideo(mediaId, file) {
      media.set(mediaId, { ...file, video: true });
    },
    uploadedImage: (url) => images.get(url),
    material: (mediaId) => materials.get(mediaId),
    draft: (mediaId) => drafts.get(mediaId),
    get draftCount() {
      return drafts.size;
    },
    setNextPublishOutcome(outcome) {
      publishOutcomes.push(outcome);
    },
    setPublishStatus(publishId, status) {
      const job = publishes.get(publishId);
      if (!job) throw new Error(`no publish job ${publishId}`);
      job.pollsLeft = 0;
      job.status = status;
    },
    massSends,
    setMassQuota(perDay) {
      massQuota = perDay;
    },
    massQuotaLeftToday: () => Math.max(0, massQuota - (massUsed.get(chinaDay(now())) ?? 0)),
    setMassStatus(msgId, status) {
      massStatus.set(msgId, status);
    },
    tags: listTags,
    tagMembers: (tagId) => [...(tagMembers.get(tagId) ?? [])],
    tagsOf: (openid) => [...(followerTags.get(openid) ?? [])],
    messagesSent,
    get messageCount() {
      return messageCount;
    },
    sendTimes,
    failFor(openid, errcode, times = Infinity) {
      openidFailures.set(openid, { errcode, times });
    },
    loseAnswerFor(openid, times = 1) {
      lostAnswers.set(openid, times);
    },
    setUnsubscribed(openid) {
      unsubscribed.add(openid);
      followers = followers.filter((o) => o !== openid);
    },
    setFollowers(openids) {
      followers = [...openids];
    },
    setFollowerPageSize(n) {
      followerPage = n;
    },
    setDelay(path, ms) {
      if (ms > 0) delays.set(path, ms);
      else delays.delete(path);
    },
    waitForCall(path, timeoutMs = 2000) {
      const ready = calls.find((c) => c.path === path && !taken.has(c));
      if (ready) {
        taken.add(ready);
        return Promise.resolve(ready);
      }
      return new Promise<FakeCall>((resolve, reject) => {
        const waiter = {
          path,
          resolve: (c: FakeCall) => {
            clearTimeout(timer);
            resolve(c);
          },
        };
        const timer = setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) waiters.splice(i, 1);
          reject(new Error(`no call to ${path} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
