export { WechatProtocolError, isWechatProtocolError, type WechatProtocolErrorCode } from './errors.js';
export { sha1Signature, checkSignature, safeEqual } from './signature.js';
export { WechatCrypto, type WechatCryptoOptions } from './crypto.js';
export { scanXml, scanXmlBytes, DEFAULT_MAX_XML_BYTES, type ScanXmlOptions } from './xml.js';
export { cdata } from './xml-write.js';
export {
  parseMessage,
  isEvent,
  dedupeKey,
  type WechatMessage,
  type WechatMessageKind,
  type TextMessage,
  type ImageMessage,
  type VoiceMessage,
  type VideoMessage,
  type LocationMessage,
  type LinkMessage,
  type SubscribeEvent,
  type UnsubscribeEvent,
  type ScanEvent,
  type LocationReportEvent,
  type MenuEvent,
  type TemplateSendJobFinishEvent,
  type UnknownMessage,
} from './messages.js';
export {
  renderReply,
  splitText,
  NO_REPLY,
  MAX_NEWS_ARTICLES,
  MAX_TEXT_BYTES,
  type Reply,
  type NewsArticle,
  type ReplyContext,
} from './replies.js';
export * from './client/index.js';
