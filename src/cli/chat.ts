// `npm run chat [-- --aes] [--url http://127.0.0.1:3000] [--openid o_me]`: talk to the running
// server as a citizen. Commands: /subscribe, /click KEY, /location LAT LNG [label], /voice TEXT,
// /image, /quit; anything else is sent as a text message.
//
// What the server sends later by customer-service message (further parts, answers past the 4 s
// budget, notices) is shown too: when WECHAT_API_BASE names this machine (config/development.json
// does), the chat serves that address with a stand-in of the WeChat API (chat-sink.ts) and prints
// what arrives, after the reply it belongs to.
import readline from 'node:readline';
import { stdin, stdout } from 'node:process';
import { loadConfig } from '../config/index.js';
import { ChatClient, httpTransport, type DecodedReply } from './chat-client.js';
import { sinkAddress, startChatSink, type ChatSink, type SinkMessage } from './chat-sink.js';

// Piped input does not wait for a reader: before the next line, customer-service messages for the
// last one get this long (of quiet) to arrive, so they print below the reply they belong to; after
// the last line, LINGER_MS.
const SETTLE_MS = 250;
const LINGER_MS = 1000;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function show(reply: DecodedReply): void {
  switch (reply.type) {
    case 'text': stdout.write(`\n${reply.text}\n\n`); break;
    case 'news': for (const a of reply.articles) stdout.write(`\n[图文] ${a.title}\n${a.description}\n${a.url}\n`); break;
    case 'none': stdout.write('\n(没有直接回复；稍后的回答以客服消息送达)\n\n'); break;
    case 'transfer_customer_service': stdout.write('\n(已转接人工客服)\n\n'); break;
    case 'error': stdout.write(`\n(HTTP ${reply.status}) ${reply.raw}\n\n`); break;
    default: stdout.write(`\n(${reply.msgType}) ${reply.raw}\n\n`);
  }
}

/**
 * Prints customer-service messages as they come, but never in the middle of a reply: while a
 * message is on its way they wait, and follow the reply it gets.
 */
class LaterMessages {
  private waiting: string[] = [];
  private sending = false;
  lastActivity = Date.now();
  /** The prompt is on the screen (not yet followed by a line). */
  prompted: readline.Interface | undefined;

  constructor(private readonly openid: string) {}

  arrived(m: SinkMessage): void {
    this.lastActivity = Date.now();
    const label = m.kind === 'template' ? '模板消息' : '客服消息';
    const to = m.toUser === this.openid ? '' : ` → ${m.toUser}`;
    const line = `[${label}${to}] ${m.text}\n`;
    if (this.sending) {
      this.waiting.push(line);
      return;
    }
    // Below a prompt: a terminal gets the prompt redrawn under the message, a pipe a new line.
    const rl = this.prompted;
    if (rl && stdin.isTTY) {
      readline.clearLine(stdout, 0);
      readline.cursorTo(stdout, 0);
    }
    if (rl && stdin.isTTY) {
      stdout.write(line);
      rl.prompt(true);
    } else {
      stdout.write(rl ? `\n${line}` : line);
      this.prompted = undefined; // the pipe's prompt line is finished
    }
  }

  /** Resolves once no message has arrived for `quietMs`. */
  async quiet(quietMs: number): Promise<void> {
    while (Date.now() - this.lastActivity < quietMs) await new Promise((r) => setTimeout(r, 50));
  }

  async around(send: () => Promise<void>): Promise<void> {
    this.sending = true;
    try {
      await send();
    } finally {
      this.sending = false;
      this.lastActivity = Date.now();
      for (const line of this.waiting.splice(0)) stdout.write(line);
    }
  }
}

async function openSink(apiBase: string, later: LaterMessages): Promise<ChatSink | string> {
  const address = sinkAddress(apiBase);
  if (!address) return `客服消息发往 ${apiBase}，不在这里显示`;
  try {
    return await startChatSink({ ...address, onMessage: (m) => later.arrived(m) });
  } catch (err) {
    const code = (err as { code?: string }).code;
    return code === 'EADDRINUSE'
      ? `${apiBase} 已被占用（另一个 npm run chat？）：客服消息显示在那里`
      : `客服消息无法显示：${err instanceof Error ? err.message : String(err)}`;
  }
}

async function main(): Promise<void> {
  const config = await loadConfig();
  const useAes = process.argv.includes('--aes');
  if (useAes && !config.wechat.aesKey) throw new Error('--aes needs WECHAT_AES_KEY to be configured');
  const url = arg('url') ?? `http://127.0.0.1:${config.port || 3000}`;
  const openid = arg('openid') ?? 'o_chat_citizen';
  const client = new ChatClient({
    transport: httpTransport(url),
    token: config.wechat.token,
    openid,
    ...(useAes ? { aes: { encodingAESKey: config.wechat.aesKey, appId: config.wechat.appId } } : {}),
  });
  const later = new LaterMessages(openid);
  const sink = await openSink(config.wechat.apiBase, later);
  stdout.write(`平安三明 chat → ${url}${useAes ? ' (安全模式)' : ''}. /subscribe /click KEY /location LAT LNG /voice 文字 /image /quit\n`);
  stdout.write(typeof sink === 'string' ? `(${sink})\n` : `(客服消息 ← ${sink.url})\n`);
  const rl = readline.createInterface({ input: stdin, output: stdout, prompt: '> ' });
  const prompt = () => {
    rl.prompt();
    later.prompted = rl;
  };
  prompt();
  let quit = false;
  // Async iteration buffers lines, so piped input (a scripted conversation) works as well as typing.
  for await (const raw of rl) {
    later.prompted = undefined;
    const line = raw.trim();
    if (line === '/quit') {
      quit = true;
      break;
    }
    if (line) {
      if (!stdin.isTTY) stdout.write(`${line}\n`);
      await later.around(async () => {
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
      });
      if (typeof sink !== 'string' && !stdin.isTTY) await later.quiet(SETTLE_MS);
    }
    prompt();
  }
  rl.close();
  if (typeof sink !== 'string') {
    // Piped input ends right after the last line: what the server still sends for it is shown.
    if (!quit) await later.quiet(LINGER_MS);
    await sink.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
