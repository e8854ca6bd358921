export { WechatApiError, TOKEN_ERRCODES, LOCAL_ERRCODES, MASS_DUPLICATE_ERRCODE } from './api-error.js';
export type { TokenStore } from './token-store.js';
export { WechatClient, type WechatClientOptions } from './wechat-client.js';
export { CUSTOM_WINDOW_MS, customText, customNews } from './custom-message.js';
export { FREEPUBLISH_STATUS } from './types.js';
export type {
  CustomMessage,
  TypingCommand,
  TemplateMessage,
  Menu,
  MenuButton,
  UserInfo,
  MediaFile,
  UploadFile,
  DraftArticle,
  FreepublishStatusCode,
  FreepublishState,
  PublishedArticle,
  MassSendTarget,
  MassSendContent,
  MassSendRequest,
  MassSendResult,
  MassSendStatus,
  UserTag,
  TagFollowersPage,
  FollowerListPage,
} from './types.js';
