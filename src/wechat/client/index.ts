export { WechatApiError, TOKEN_ERRCODES } from './api-error.js';
export type { TokenStore } from './token-store.js';
export { WechatClient, type WechatClientOptions } from './wechat-client.js';
export { customText, customNews } from './custom-message.js';
export type { CustomMessage, TypingCommand, TemplateMessage, Menu, MenuButton, UserInfo, MediaFile } from './types.js';
