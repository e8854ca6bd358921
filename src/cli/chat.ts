// `npm run chat [-- --aes] [--url http://127.0.0.1:3000] [--openid o_me]`: talk to the running
// server as a citizen. Commands: /subscribe, /click KEY, /location LAT LNG [label], /voice TEXT,
// /image, /quit; anything else is sent as a text message.
import readline from 'node:readline';
import { stdin, stdout } from 'node:process';
import { loadConfig } from '../config/index.js';
import { ChatClient, httpTransport, type DecodedReply } from './chat-client.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function show(reply: DecodedReply): void {
  switch (reply.type) {
    case 'text': stdout.write(`\n${reply.text}\n\n`); break;
    case 'news': for (const a of reply.articles) stdout.write(`\n[图文] ${a.title}\n${a.description}\n${a.url}\n`); break;
    case 'none': stdout.write('\n(没有直接回复；较慢的回答会通过客服消息送达)\n\n'); break;
    case 'transfer_customer_service': stdout.write('\n(已转接人工客服)\n\n'); break;
    case 'error': stdout.write(`\n(HTTP ${reply.status}) ${reply.raw}\n\n`); break;
    default: stdout.write(`\n(${reply.msgType}) ${reply.raw}\n\n`);
  }
}

async function main(): Promise<void> {
  const config = await loadConfig();
  const useAes = process.argv.includes('--aes');
  if (useAes && !config.wechat.aesKey) throw new Error('--aes needs WECHAT_AES_KEY to be configured');
  const url = arg('url') ?? `http://127.0.0.1:${config.port || 3000}`;
  const client = new ChatClient({
    transport: httpTransport(url),
    token: config.wechat.token,
    openid: arg('openid') ?? 'o_chat_citizen',
    ...(useAes ? { aes: { encodingAESKey: config.wechat.aesKey, appId: config.wechat.appId } } : {}),
  });
  stdout.write(`平安三明 chat → ${url}${useAes ? ' (安全模式)' : ''}. /subscribe /click KEY /location LAT LNG /voice 文字 /image /quit\n`);
  const rl = readline.createInterface({ input: stdin, output: stdout, prompt: '> ' });
  rl.prompt();
  // Async iteration buffers lines, so piped input (a scripted conversation) works as well as typing.
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '/quit') break;
    if (line) {
      if (!stdin.isTTY) stdout.write(`${line}\n`);
      try {
        const [cmd, ...rest] = line.split(/\s+/);
        if (cmd === '/subscribe') show(await client.subscribe(rest[0]));
        else if (cmd === '/click' && rest[0]) show(await client.click(rest[0]));
        else if (cmd === '/location' && rest.length >= 2) show(await client.location(Number(rest[0]), Number(rest[1]), rest.slice(2).join(' ')));
        else if (cmd === '/voice') show(await client.voice(rest.join(' ') || undefined));
        else if (cmd === '/image') show(await client.image());
        else show(await client.text(line));
      } catch (err) {
        stdout.write(`(error) ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
    rl.prompt();
  }
  rl.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
