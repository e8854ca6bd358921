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

/** A file to upload as multipart `media`. */
export interface UploadFile {
  data: Buffer;
  /** Sent as the part's filename; WeChat checks its extension. */
  filename: string;
  contentType: string;
}

/** One article of a draft (`draft/add`). */
export interface DraftArticle {
  title: string;
  author?: string;
  /** Shown under the title in lists; WeChat takes the start of `content` when absent. */
  digest?: string;
  /** HTML. Images must be `mmbiz.qpic.cn` URLs from `mediaUploadImg`; WeChat drops others. */
  content: string;
  /** The 阅读原文 link. */
  content_source_url?: string;
  /** Cover: a permanent image material's media_id (`materialAddImage`). */
  thumb_media_id: string;
  need_open_comment?: 0 | 1;
  only_fans_can_comment?: 0 | 1;
  /** Cover crops as `X1_Y1_X2_Y2` fractions, e.g. `0_0_1_0.5`. */
  pic_crop_235_1?: string;
  pic_crop_1_1?: string;
}

/** `publish_status` of `freepublish/get`. */
export const FREEPUBLISH_STATUS = {
  SUCCESS: 0,
  PUBLISHING: 1,
  ORIGINAL_CHECK_FAILED: 2,
  FAILED: 3,
  AUDIT_FAILED: 4,
  DELETED: 5,
  BANNED: 6,
} as const;
export type FreepublishStatusCode = (typeof FREEPUBLISH_STATUS)[keyof typeof FREEPUBLISH_STATUS];

export interface PublishedArticle {
  /** 1-based position in the draft. */
  idx: number;
  url: string;
}

/** What `freepublish/get` says of a publish job, by status. */
export type FreepublishState =
  | { publishId: string; status: 0; articleId: string; articles: PublishedArticle[] }
  | { publishId: string; status: 1 }
  /** `failIdx`: 1-based positions of the articles that failed (statuses 2 and 4). */
  | { publishId: string; status: 2 | 3 | 4; failIdx: number[] }
  /** Published once, then deleted by the account (5) or banned by the platform (6). */
  | { publishId: string; status: 5 | 6; articleId?: string; articles: PublishedArticle[] };

/** Who a mass send goes to: one tag's followers, or all of them. */
export type MassSendTarget = { tagId: number; isToAll?: false } | { isToAll: true; tagId?: never };

/** What a mass send carries: a draft (its media_id, as mpnews) or a text. */
export type MassSendContent =
  | {
      mpnewsMediaId: string;
      /** When WeChat judges the article a reprint: true sends it anyway (send_ignore_reprint=1). */
      sendIgnoreReprint?: boolean;
      text?: never;
    }
  | { text: string; mpnewsMediaId?: never };

export type MassSendRequest = MassSendTarget &
  MassSendContent & {
    /**
     * Idempotency key (up to 64 bytes): WeChat refuses a second send with it (45065) and names
     * the first one's msg_id, which `massSendAllByTag` then returns with `duplicate: true`.
     */
    clientMsgId?: string;
  };

export interface MassSendResult {
  /** Read from the raw body, so a 64-bit id keeps its digits. */
  msgId: string;
  msgDataId?: string;
  /** True when WeChat answered 45065: this clientMsgId was already sent, as `msgId`. */
  duplicate: boolean;
}

/** `msg_status` of `message/mass/get`. */
export type MassSendStatus = 'SEND_SUCCESS' | 'SENDING' | 'SEND_FAIL' | 'DELETE';

export interface UserTag {
  id: number;
  name: string;
  /** Followers carrying the tag. */
  count: number;
}

export interface TagFollowersPage {
  openids: string[];
  /** Pass it back for the next page; '' when there is none. */
  nextOpenid: string;
}

/** One page of `user/get`: the account's followers. */
export interface FollowerListPage {
  /** Followers the account has, as WeChat counts them now. */
  total: number;
  /** Openids on this page (up to 10,000). */
  count: number;
  openids: string[];
  /** Pass it back for the next page; '' when this page is empty. */
  nextOpenid: string;
}
