// Late and extra answers go out through the customer-service message API, in order.
import type { Logger } from '../../platform/logger.js';
import { customText, customNews, type WechatClient } from '../../wechat/index.js';
import type { BotReplyPart } from '../types.js';

export function deliverLater(client: Pick<WechatClient, 'messageCustomSend'>, openid: string, parts: BotReplyPart[], logs: { log: Logger }): void {
  void (async () => {
    for (const part of parts) {
      try {
        if (part.type === 'text') await client.messageCustomSend(customText(openid, part.text));
        else if (part.type === 'news') await client.messageCustomSend(customNews(openid, part.articles.slice(0, 1)));
        // transfer_customer_service only exists as a passive reply; nothing to send later.
      } catch (err) {
        logs.log.error({ err, part: part.type }, 'customer-service delivery failed');
        return;
      }
    }
  })();
}
