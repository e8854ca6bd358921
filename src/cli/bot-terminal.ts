// `npm run bot:terminal [-- --contact ID]`: talk to the Wechaty bot from the terminal, without a
// real puppet. The bot process of `npm run bot` (same config, database and engine) runs on
// wechaty-puppet-mock, and each line you type is a direct message from a mock contact
// (bot-terminal-chat.ts). /image sends a photo; /quit, Ctrl-C or Ctrl-D stops the bot.
import { stdin, stdout } from 'node:process';
import { log } from 'wechaty';
import { loadConfigOrExit } from '../config/index.js';
import { createLogger, logDestination } from '../platform/logger.js';
import { runBotTerminal } from './bot-terminal-chat.js';

async function main(): Promise<void> {
  const config = await loadConfigOrExit();
  // The chat is the screen here: Wechaty's own log only when asked for (WECHATY_LOG), ours to
  // stderr, errors only unless LOG_LEVEL is set.
  if (!process.env.WECHATY_LOG) log.level('silent');
  const logger = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'error', logDestination(2));
  const i = process.argv.indexOf('--contact');
  const contactId = i >= 0 ? process.argv[i + 1] : undefined;

  const quit = new AbortController();
  const onSignal = (): void => {
    quit.abort();
    // A stop that hangs must not keep the process from exiting (as in `npm run bot`).
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await runBotTerminal(config, logger, { input: stdin, output: stdout, signal: quit.signal, ...(contactId ? { contactId } : {}) });
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`failed to start the Wechaty bot: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
