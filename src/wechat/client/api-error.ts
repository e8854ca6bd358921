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

  constructor(errcode: number, errmsg: string, path: string) {
    super(`WeChat API ${path} failed: ${errcode} ${errmsg}`);
    this.name = 'WechatApiError';
    this.errcode = errcode;
    this.errmsg = errmsg;
    this.path = path;
  }
}

/** errcodes meaning "this access_token is no good": refresh and retry once. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);
