// Late and extra answers go out through the customer-service message API, in order.
import type { Logger } from '../../platform/logger.js';
import { customText, customNews, type WechatClient } from '../../wechat/index.js';
import type { BotReplyPart, NoticeId, NoticeOutcome } from '../types.js';

/** Told what became of the notices the parts carry: each part's once it was sent, the rest's on a failure. */
export type NoticeSettle = (ids: readonly NoticeId[], outcome: NoticeOutcome) => void;

/** The notices these parts carry, in order. */
export function noticesIn(parts: readonly BotReplyPart[]): NoticeId[] {
  const ids: NoticeId[] = [];
  for (const p of parts) if (p.type === 'text' && p.notices) ids.push(...p.notices);
  return ids;
}

/**
 * Sends the parts one after the other; the first failure stops the rest (they would arrive out of
 * order), and the notices of that part and of every later one are reported not delivered, so they
 * are shown at the citizen's next message.
 */
export function deliverLater(
  client: Pick<WechatClient, 'messageCustomSend'>, openid: string, parts: BotReplyPart[], logs: { log: Logger }, settle?: NoticeSettle,
): void {
  void (async () => {
    for (let i = 0; i < parts.length; i += 1) {
      const part = parts[i] as BotReplyPart;
      try {
        if (part.type === 'text') await client.messageCustomSend(customText(openid, part.text));
        else if (part.type === 'news') await client.messageCustomSend(customNews(openid, part.articles.slice(0, 1)));
        // transfer_customer_service only exists as a passive reply; nothing to send later.
      } catch (err) {
        logs.log.error({ err, part: part.type }, 'customer-service delivery failed');
        const undelivered = noticesIn(parts.slice(i));
        if (settle && undelivered.length > 0) settle(undelivered, 'not_delivered');
        return;
      }
      if (settle && part.type === 'text' && part.notices) settle(part.notices, 'delivered');
    }
  })();
}
