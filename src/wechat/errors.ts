/**
 * Errors raised while reading or writing WeChat's callback protocol (signatures,
 * AES envelopes, message XML). They carry a stable `code` so the HTTP edge can map
 * them to a status without matching message text.
 */
export type WechatProtocolErrorCode =
  | 'WECHAT_BAD_SIGNATURE'
  | 'WECHAT_BAD_XML'
  | 'WECHAT_BAD_BASE64'
  | 'WECHAT_BAD_LENGTH'
  | 'WECHAT_BAD_PADDING'
  | 'WECHAT_BAD_APPID'
  | 'WECHAT_BAD_AES_KEY';

export class WechatProtocolError extends Error {
  readonly code: WechatProtocolErrorCode;

  constructor(code: WechatProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WechatProtocolError';
    this.code = code;
  }
}

export function isWechatProtocolError(err: unknown): err is WechatProtocolError {
  return err instanceof WechatProtocolError;
}
