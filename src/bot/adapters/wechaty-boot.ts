// The bot process's boot sequence, the Wechaty twin of src/compose.ts: the same database, tips
// module and engine as the web server, plus a Wechaty with the configured puppet. wechaty is
// imported dynamically here so nothing the web server loads pulls it in.
import type { PuppetModuleName, WechatyOptions } from 'wechaty';
import type { WechatyInterface } from 'wechaty/impls';
import type { AppConfig } from '../../config/index.js';
import { safeMessage, type Logger } from '../../platform/logger.js';
import type { Database } from '../../db/index.js';
import { composeCore } from '../../compose.js';
import type { TipsModule } from '../../tips/index.js';
import { JsonView } from '../../platform/shared-store.js';
import { attachWechatyBot, SEEN_FOR_SECONDS } from './wechaty.js';

const ANNOUNCE_CURSOR_ID = 'staff-rooms';
/** Longer than any outage worth catching up on: after it the bot starts again at the present. */
const ANNOUNCE_CURSOR_TTL_SECONDS = 30 * 86_400;

type PuppetInstance = Exclude<NonNullable<WechatyOptions['puppet']>, string>;

export interface WechatyBotOptions {
  /** A ready puppet instead of the configured module name (tests pass a PuppetMock). */
  puppet?: PuppetInstance;
  /** Overrides the hourly due-soon check (tests). */
  dueSoonCheckMs?: number;
  /** How often the staff rooms' feed of red tips and assignments is read (tests shorten it). */
  announceCheckMs?: number;
}

export interface WechatyBotProcess {
  wechaty: WechatyInterface;
  db: Database;
  tips: TipsModule;
  /** Detaches the bot, stops the puppet and closes the database. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startWechatyBot(config: AppConfig, logger: Logger, opts: WechatyBotOptions = {}): Promise<WechatyBotProcess> {
  const core = await composeCore(config, logger);
  const { db, tips, bot } = core;
  // The staff rooms' position in the event log; it outlives a restart so nothing is missed.
  const cursorView = new JsonView<number>(core.state, 'wechaty-announce');

  const { WechatyBuilder, qrcodeValueToImageUrl } = await import('wechaty');
  const { name, puppetToken } = config.wechaty;
  const wechaty = WechatyBuilder.build({
    // A name persists the login session in <name>.memory-card.json; tests run without one.
    ...(name ? { name } : {}),
    ...(opts.puppet
      ? { puppet: opts.puppet }
      : {
          // Wechaty validates the module name itself and says which ones it knows.
          puppet: config.wechaty.puppet as PuppetModuleName,
          ...(puppetToken ? { puppetOptions: { token: puppetToken } } : {}),
        }),
  });

  wechaty.on('scan', (qrcode, status) => {
    logger.info({ status, url: qrcodeValueToImageUrl(qrcode) }, 'wechaty: scan the QR code to log in');
  });
  wechaty.on('login', (user) => logger.info({ userId: user.id }, 'wechaty: logged in'));
  wechaty.on('logout', (user) => logger.warn({ userId: user.id }, 'wechaty: logged out'));
  wechaty.on('error', (err) => logger.error({ err }, 'wechaty: error'));

  const attached = attachWechatyBot({
    wechaty, bot, announcer: tips.announcer, staffRooms: config.wechaty.staffRooms, logger,
    registerNoticeSender: (channel, sender) => tips.registerNoticeSender(channel, sender),
    ...(opts.dueSoonCheckMs ? { dueSoonCheckMs: opts.dueSoonCheckMs } : {}),
    ...(opts.announceCheckMs ? { announceCheckMs: opts.announceCheckMs } : {}),
    announceCursor: {
      get: () => cursorView.get(ANNOUNCE_CURSOR_ID),
      set: (cursor) => cursorView.set(ANNOUNCE_CURSOR_ID, cursor, ANNOUNCE_CURSOR_TTL_SECONDS),
    },
    firstDelivery: (messageId) => core.state.add(`wechaty-msg:${messageId}`, '1', SEEN_FOR_SECONDS),
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      attached.stop();
      try {
        await wechaty.stop();
      } finally {
        await core.close();
      }
    })();
    return stopped;
  };

  // Wechaty catches a puppet that fails to start (a token without its SNI prefix, a puppet
  // service that refuses or is down) and only emits 'error', logged above: the process would run on
  // logged in to nothing, and systemd's Restart=on-failure would never fire. A puppet not running
  // after start() is a failed start, and the caller (wechaty-main.ts) exits non-zero.
  let startError: unknown;
  const onStartError = (err: unknown): void => { startError ??= err; };
  wechaty.on('error', onStartError);
  try {
    await wechaty.start();
    // The puppet's StateSwitch (state-switch's typings do not resolve under NodeNext): false once
    // a failed start has stopped it; 'pending' for a slow puppet Wechaty gave up waiting on.
    const puppetState = (wechaty.puppet as unknown as { state: { active(): boolean | 'pending' } }).state;
    if (puppetState.active() === false) {
      const why = startError instanceof Error ? `: ${safeMessage(startError.message).split('\n')[0]}` : '';
      throw new Error(`wechaty: the puppet did not start${why}`);
    }
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  } finally {
    wechaty.off('error', onStartError);
  }
  logger.info({ puppet: opts.puppet ? 'instance' : config.wechaty.puppet, staffRooms: config.wechaty.staffRooms.length }, 'wechaty: started');
  return { wechaty, db, tips, stop };
}
