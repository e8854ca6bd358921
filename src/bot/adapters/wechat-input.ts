// WeChat wire message → the engine's channel-neutral input. Kinds the engine has no use for
// (template job reports, VIEW clicks that already opened a page) map to undefined: no reply.
import type { WechatMessage } from '../../wechat/index.js';
import type { BotInput } from '../types.js';

export function toBotInput(m: WechatMessage): BotInput | undefined {
  const base = {
    citizen: { channel: 'official_account' as const, id: m.fromUser },
    receivedAt: new Date((m.createTime || Math.floor(Date.now() / 1000)) * 1000),
    ...(m.msgId ? { msgId: m.msgId } : {}),
  };
  switch (m.kind) {
    case 'text':
      return { ...base, kind: 'text', text: m.content };
    case 'voice':
      return { ...base, kind: 'voice', mediaId: m.mediaId, ...(m.recognition ? { text: m.recognition } : {}) };
    case 'image':
      return { ...base, kind: 'image', mediaId: m.mediaId, url: m.picUrl };
    case 'video':
    case 'shortvideo':
      return { ...base, kind: 'video', mediaId: m.mediaId };
    case 'location':
      return { ...base, kind: 'location', latitude: m.latitude, longitude: m.longitude, label: m.label };
    case 'link':
      return { ...base, kind: 'link', title: m.title, url: m.url, description: m.description };
    case 'subscribe':
      return { ...base, kind: 'subscribe', ...(m.scene ? { scene: m.scene } : {}) };
    case 'unsubscribe':
      return { ...base, kind: 'unsubscribe' };
    case 'scan':
      return { ...base, kind: 'scan', scene: m.eventKey };
    case 'click':
      return { ...base, kind: 'menu', key: m.eventKey };
    case 'unknown':
      return m.event ? undefined : { ...base, kind: 'other' };
    default:
      return undefined;
  }
}
