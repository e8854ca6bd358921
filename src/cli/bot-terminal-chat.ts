// The chat loop of `npm run bot:terminal` (entry: bot-terminal.ts). The real bot
// process (startWechatyBot: the config, database, tips module and engine of `npm run bot`) runs on
// wechaty-puppet-mock's PuppetMock instead of a real puppet: the bot logs in as a mock user, and a
// mock contact, you, says each line you type to it in a direct chat. What the bot says to you is
// printed (text as it is, anything else as a placeholder such as [图片]), and so is what it says in
// the staff rooms (WECHATY_STAFF_ROOMS), which exist here as mock rooms.
// Commands: /image sends a photo, /quit (or Ctrl-C, Ctrl-D) stops the bot with its own stop().
//
// The bot runs without a Wechaty name here: no memory card is read or written, so the login a real
// puppet saved under the configured name is never touched.
import { randomUUID } from 'node:crypto';
import readline from 'node:readline';
import { types } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import type { AppConfig } from '../config/index.js';
import type { Logger } from '../platform/logger.js';
import { startWechatyBot } from '../bot/adapters/wechaty-boot.js';

const DEFAULT_CONTACT_ID = 'wxid_terminal_citizen';
const BOT_NAME = '平安三明';
const YOUR_NAME = '终端用户';
const PROMPT = '你> ';
/** How long to wait for the first message of an answer, then for quiet before the next prompt. */
const REPLY_WAIT_MS = 5000;
const QUIET_MS = 150;

export interface BotTerminalOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Your contact id; fixed by default, so 查询 finds the tips of earlier runs. */
  contactId?: string;
  /** Aborting it ends the loop as /quit does (the process's SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

const PLACEHOLDERS: Partial<Record<types.Message, string>> = {
  [types.Message.Image]: '[图片]',
  [types.Message.Audio]: '[语音]',
  [types.Message.Video]: '[视频]',
  [types.Message.Attachment]: '[文件]',
  [types.Message.Url]: '[图文]',
  [types.Message.MiniProgram]: '[小程序]',
  [types.Message.Contact]: '[名片]',
  [types.Message.Location]: '[位置]',
  [types.Message.Emoticon]: '[表情]',
};

function shown(m: mock.MessageMock): string {
  const { type, text } = m.payload;
  return type === types.Message.Text ? text ?? '' : PLACEHOLDERS[type] ?? '[消息]';
}

/** Calls `listener` with each message the bot says where `target` (a contact or a room) hears it. */
function fromBot(target: mock.ContactMock | mock.RoomMock, botId: string, listener: (m: mock.MessageMock) => void): void {
  // The mocks are typed-emitter EventEmitters, whose typings do not resolve under NodeNext.
  const emitter = target as unknown as { on(event: 'message', listener: (m: mock.MessageMock) => void): unknown };
  emitter.on('message', (m) => { if (m.payload.talkerId === botId) listener(m); });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the bot on a mock puppet, runs the chat loop until /quit, end of input or `signal`, stops the bot. */
export async function runBotTerminal(config: AppConfig, logger: Logger, opts: BotTerminalOptions): Promise<void> {
  const { input, output } = opts;
  let rl: readline.Interface | undefined;
  let prompted = false; // the prompt is on the screen, waiting for a line

  // Below a waiting prompt: a terminal gets the prompt redrawn under the message, a pipe a new one.
  const print = (text: string): void => {
    if (rl && prompted && rl.terminal) {
      readline.clearLine(output, 0);
      readline.cursorTo(output, 0);
      output.write(`${text}\n`);
      rl.prompt(true);
    } else if (rl && prompted) {
      output.write(`\n${text}\n`);
      rl.prompt();
    } else {
      output.write(`${text}\n`);
    }
  };

  const mocker = new mock.Mocker();
  const botUser = mocker.createContact({ name: BOT_NAME });
  const you = mocker.createContact({ id: opts.contactId ?? DEFAULT_CONTACT_ID, name: YOUR_NAME });
  let heard = 0;
  fromBot(you, botUser.id, (m) => {
    if (m.payload.roomId) return;
    heard += 1;
    print(`\n${shown(m)}`);
  });
  for (const topic of config.wechaty.staffRooms) {
    const room = mocker.createRoom({ topic, memberIdList: [botUser.id] });
    fromBot(room, botUser.id, (m) => print(`\n[值班群 ${topic}] ${shown(m)}`));
  }

  const running = await startWechatyBot({ ...config, wechaty: { ...config.wechaty, name: '' } }, logger, {
    puppet: new PuppetMock({ mocker }),
  });
  let closed = false;
  const close = (): void => { closed = true; rl?.close(); };
  try {
    // The mock puppet never becomes ready() on its own: log in and wait for the event instead.
    const loggedIn = new Promise((resolve) => running.wechaty.once('login', resolve));
    mocker.login(botUser);
    await loggedIn;

    output.write(`${BOT_NAME} Wechaty 机器人（模拟微信，数据库 ${config.databaseUrl.replace(/\/\/[^@/]*@/, '//')}）\n`
      + `您是「${YOUR_NAME}」<${you.id}>，每行发给机器人一条私聊消息。/image 发图片，/quit 退出。\n`
      + (config.wechaty.staffRooms.length ? `值班群：${config.wechaty.staffRooms.join('、')}\n` : ''));

    rl = readline.createInterface({ input, output, prompt: PROMPT });
    rl.on('SIGINT', close); // Ctrl-C on a terminal; the end of input (Ctrl-D, a pipe) ends the loop after the lines read
    if (opts.signal?.aborted) close();
    opts.signal?.addEventListener('abort', close, { once: true });

    /** Waits for the bot to start answering and then to fall quiet (an answer can be several messages). */
    const answer = async (send: () => void): Promise<void> => {
      const from = heard;
      send();
      const deadline = Date.now() + REPLY_WAIT_MS;
      while (heard === from && !closed && Date.now() < deadline) await sleep(20);
      if (heard === from) {
        if (!closed) output.write('\n(没有回复)\n');
        return;
      }
      let seen = -1;
      while (seen !== heard && !closed) {
        seen = heard;
        await sleep(QUIET_MS);
      }
    };

    rl.prompt();
    prompted = true;
    // Async iteration buffers lines, so piped input (a scripted conversation) works as well as typing.
    for await (const raw of rl) {
      prompted = false;
      const line = raw.trim();
      if (line === '/quit') break;
      if (line) {
        if (!rl.terminal) output.write(`${line}\n`);
        if (line === '/image') {
          // What ContactMock.say(fileBox) does, without needing a FileBox (the existing tests do the same).
          const image = mocker.MessageMock.create({
            id: randomUUID(), talkerId: you.id, listenerId: botUser.id, timestamp: Date.now(), type: types.Message.Image,
          });
          await answer(() => mocker.puppet.emit('message', { messageId: image.id }));
        } else {
          await answer(() => you.say(line).to(botUser));
        }
        output.write('\n');
      }
      if (closed) break;
      rl.prompt();
      prompted = true;
    }
  } finally {
    if (prompted) output.write('\n');
    closed = true;
    prompted = false;
    rl?.close();
    opts.signal?.removeEventListener('abort', close);
    await running.stop();
  }
  output.write('(机器人已停止)\n');
}
