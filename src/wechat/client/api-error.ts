/**
 * A WeChat API call that failed: WeChat's non-zero errcode, or a transport failure
 * mapped to errcode -1 (WeChat's own "system busy"), so callers branch on one field.
 * Messages never contain the AppSecret or an access_token.
 */
export class WechatApiError extends Error {
  readonly errcode: number;
  readonly errmsg: string;
  /** The endpoint path, e.g. `/cgi-bin/message/custom/send`. */
  readonly path: string;
  /**
   * True when the client refused the call before sending anything (a file too large, more than
   * 50 openids, ...). `errcode` is then the one WeChat documents for the same fault.
   */
  readonly local: boolean;
  /**
   * True when the request may have reached WeChat and its outcome is unknown: a timeout, a
   * connection lost after the request went out, a gateway's 5xx without WeChat's answer. A send
   * without an idempotency key must not be repeated after such an error.
   */
  readonly uncertain: boolean;

  constructor(errcode: number, errmsg: string, path: string, opts: { local?: boolean; uncertain?: boolean } = {}) {
    super(`WeChat API ${path} ${opts.local ? 'refused locally' : 'failed'}: ${errcode} ${errmsg}`);
    this.name = 'WechatApiError';
    this.errcode = errcode;
    this.errmsg = errmsg;
    this.path = path;
    this.local = opts.local ?? false;
    this.uncertain = opts.uncertain ?? false;
  }
}

/** mass/sendall: "this clientmsgid was already sent" (the first send went out). */
export const MASS_DUPLICATE_ERRCODE = 45065;

/** errcodes meaning "this access_token is no good": refresh and retry once. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/** errcodes the client also raises itself, with `local: true`, before sending a request. */
export const LOCAL_ERRCODES = {
  /** invalid file type */
  FILE_TYPE: 40005,
  /** invalid file size */
  FILE_SIZE: 40009,
  /** more than 50 openids in one tag call */
  TOO_MANY_OPENIDS: 40032,
  /** empty draft / news */
  EMPTY_NEWS: 44003,
  /** more than 8 articles in one draft */
  TOO_MANY_ARTICLES: 45008,
  /** tag name longer than 30 characters */
  TAG_NAME_TOO_LONG: 45158,
} as const;
