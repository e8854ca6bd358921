// `npm run wechat:menu`: pushes the menu in config (menu.button) to WeChat with menu/create.
import { loadConfig } from '../config/index.js';
import { MemoryStore } from '../platform/shared-store.js';
import { WechatClient, type Menu } from '../wechat/index.js';

async function main(): Promise<void> {
  const config = await loadConfig();
  if (!config.wechat.appId || !config.wechat.appSecret) throw new Error('WECHAT_APPID and WECHAT_APPSECRET are required');
  const tokens = new MemoryStore();
  const client = new WechatClient({ appId: config.wechat.appId, appSecret: config.wechat.appSecret, apiBase: config.wechat.apiBase, tokenStore: tokens });
  try {
    await client.menuCreate(config.menu as Menu);
    process.stdout.write(`menu created: ${config.menu.button.map((b) => b.name).join(' | ')}\n`);
  } finally {
    await tokens.close();
  }
}

main().catch((err: unknown) => {
  const code = (err as { errcode?: number }).errcode;
  process.stderr.write(`menu create failed${code !== undefined ? ` (errcode ${code})` : ''}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
