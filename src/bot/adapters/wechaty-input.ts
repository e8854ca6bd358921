// Translates a Wechaty message into the engine's channel-neutral BotInput. Type-only imports:
// the type enum comes from the running Wechaty instance, so this file never loads wechaty itself.
import type { Message } from 'wechaty';
import type { WechatyInterface } from 'wechaty/impls';
import type { BotInput } from '../types.js';


/**
 * `text` is the message text with any @-mention already removed (rooms). Media carry no mediaId:
 * a Wechaty file id is not an official-account media id, and staff tools fetch media by the latter.
 */
export async function toBotInput(message: Message, wechaty: WechatyInterface, text: string): Promise<BotInput> {
  const types = wechaty.Message.Type;
  const base = {
    citizen: { channel: 'wechaty' as const, id: message.talker().id },
    receivedAt: message.date(),
    msgId: message.id,
  };
  switch (message.type()) {
    case types.Text:
      return { ...base, kind: 'text', text };
    case types.Audio:
      return { ...base, kind: 'voice' };
    case types.Image:
      return { ...base, kind: 'image' };
    case types.Video:
      return { ...base, kind: 'video' };
    case types.Location: {
      // Straight from the puppet: Message.toLocation() in wechaty 1.20 builds an unwechatified
      // Location and always throws "can not be instantiated directly".
      const location = await wechaty.puppet.messageLocation(message.id);
      const label = [location.name, location.address].filter((s) => s).join(' ');
      return {
        ...base, kind: 'location', latitude: location.latitude, longitude: location.longitude,
        ...(label ? { label } : {}),
      };
    }
    case types.Url: {
      const link = await message.toUrlLink();
      const description = link.description();
      return { ...base, kind: 'link', title: link.title(), url: link.url(), ...(description ? { description } : {}) };
    }
    default:
      return { ...base, kind: 'other' };
  }
}
