// WeChat wire message → the engine's channel-neutral input. Kinds the engine has no use for
// (template job reports, VIEW clicks that already opened a page) map to undefined: no reply.
import type { WechatMessage } from '../../wechat/index.js';
import type { BotInput } from '../types.js';

// Built without object spread, which copies property by property: this runs for every message.
export function toBotInput(m: WechatMessage): BotInput | undefined {
  const citizen = { channel: 'official_account' as const, id: m.fromUser };
  const receivedAt = new Date((m.createTime || Math.floor(Date.now() / 1000)) * 1000);
  let input: BotInput;
  switch (m.kind) {
    case 'text':
      input = { citizen, receivedAt, kind: 'text', text: m.content };
      break;
    case 'voice':
      input = m.recognition
        ? { citizen, receivedAt, kind: 'voice', mediaId: m.mediaId, text: m.recognition }
        : { citizen, receivedAt, kind: 'voice', mediaId: m.mediaId };
      break;
    case 'image':
      input = { citizen, receivedAt, kind: 'image', mediaId: m.mediaId, url: m.picUrl };
      break;
    case 'video':
    case 'shortvideo':
      input = { citizen, receivedAt, kind: 'video', mediaId: m.mediaId };
      break;
    case 'location':
      input = { citizen, receivedAt, kind: 'location', latitude: m.latitude, longitude: m.longitude, label: m.label };
      break;
    case 'link':
      input = { citizen, receivedAt, kind: 'link', title: m.title, url: m.url, description: m.description };
      break;
    case 'subscribe':
      input = m.scene ? { citizen, receivedAt, kind: 'subscribe', scene: m.scene } : { citizen, receivedAt, kind: 'subscribe' };
      break;
    case 'unsubscribe':
      input = { citizen, receivedAt, kind: 'unsubscribe' };
      break;
    case 'scan':
      input = { citizen, receivedAt, kind: 'scan', scene: m.eventKey };
      break;
    case 'click':
      input = { citizen, receivedAt, kind: 'menu', key: m.eventKey };
      break;
    case 'unknown':
      if (m.event) return undefined;
      input = { citizen, receivedAt, kind: 'other' };
      break;
    default:
      return undefined;
  }
  if (m.msgId) input.msgId = m.msgId;
  return input;
}
