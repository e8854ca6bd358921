/** Request and response shapes of the endpoints the client speaks (snake_case as on the wire). */

export type CustomMessage =
  | { touser: string; msgtype: 'text'; text: { content: string }; customservice?: { kf_account: string } }
  | {
      touser: string;
      msgtype: 'news';
      news: { articles: Array<{ title: string; description?: string; url?: string; picurl?: string }> };
      customservice?: { kf_account: string };
    }
  | { touser: string; msgtype: 'image'; image: { media_id: string }; customservice?: { kf_account: string } }
  | { touser: string; msgtype: 'voice'; voice: { media_id: string }; customservice?: { kf_account: string } }
  | { touser: string; msgtype: 'mpnewsarticle'; mpnewsarticle: { article_id: string } };

export type TypingCommand = 'Typing' | 'CancelTyping';

export interface TemplateMessage {
  touser: string;
  template_id: string;
  url?: string;
  miniprogram?: { appid: string; pagepath?: string };
  data: Record<string, { value: string; color?: string }>;
  /** Idempotency key: WeChat drops a second send with the same id. */
  client_msg_id?: string;
}

export type MenuButton =
  | { type: 'click'; name: string; key: string }
  | { type: 'view'; name: string; url: string }
  | { type: 'miniprogram'; name: string; url: string; appid: string; pagepath: string }
  | {
      type: 'scancode_push' | 'scancode_waitmsg' | 'pic_sysphoto' | 'pic_photo_or_album' | 'pic_weixin' | 'location_select';
      name: string;
      key: string;
    }
  | { type: 'article_id' | 'article_view_limited'; name: string; article_id: string }
  | { name: string; sub_button: MenuButton[] };

export interface Menu {
  button: MenuButton[];
}

export interface UserInfo {
  /** 0 when the user does not follow the account; then only openid is meaningful. */
  subscribe: number;
  openid: string;
  language?: string;
  subscribe_time?: number;
  unionid?: string;
  remark?: string;
  groupid?: number;
  tagid_list?: number[];
  subscribe_scene?: string;
  qr_scene?: number;
  qr_scene_str?: string;
}

export interface MediaFile {
  contentType: string;
  data: Buffer;
  /** Video media come back as JSON with a download URL instead of bytes. */
  videoUrl?: string;
}
