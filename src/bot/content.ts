// The bot's words that editors may change without a code change (welcome, help, the fraud
// guide, keyword replies, the other-agency FAQ) and Sanming's divisions for the place matcher. Read once at start:
// a broken file stops the boot instead of surfacing in a citizen's chat.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Divisions } from './places.js';
import { CATEGORY_KEYS, type Category } from '../tips/types.js';

export const CONTENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../content');

export interface KeywordReply { keywords: string[]; reply: string }

/**
 * A question for another agency (户口, 社保 …) and where to go, or about this account itself:
 * content/bot/faq.json. `category`: a matter this account also takes (a relative detained, a
 * judgment not enforced: 涉法涉诉), answered and then offered as a tip of that category.
 */
export interface FaqEntry { topic: string; name: string; keywords: string[]; answer: string; category?: Category }

export interface BotContent {
  welcome: string;
  help: string;
  fraudGuide: string;
  keywordReplies: KeywordReply[];
  faq: FaqEntry[];
  /** The few commands, after a greeting or a reply that needs no more. */
  shortMenu: string;
  /** For a message in English or emoji only: Chinese and English. */
  bilingualMenu: string;
  divisions: Divisions;
}

const faqSchema = z.array(z.object({
  topic: z.string().min(1),
  name: z.string().min(1),
  keywords: z.array(z.string().min(2)).min(1),
  answer: z.string().min(1).max(300),
  category: z.enum(CATEGORY_KEYS).optional(),
}).strict());

const keywordsSchema = z.array(z.object({
  keywords: z.array(z.string().min(1)).min(1),
  reply: z.string().min(1),
}).strict());

const divisionsSchema = z.object({
  counties: z.array(z.object({
    code: z.string(),
    name: z.string(),
    townships: z.array(z.object({ code: z.string(), name: z.string() })),
  })),
});

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8').trim();

export function loadBotContent(dir: string = CONTENT_DIR): BotContent {
  const botDir = path.join(dir, 'bot');
  const divisions = divisionsSchema.parse(JSON.parse(read(dir, 'sanming-divisions.json')));
  return {
    welcome: read(botDir, 'welcome.md'),
    help: read(botDir, 'help.md'),
    fraudGuide: read(botDir, 'fraud-guide.md'),
    keywordReplies: keywordsSchema.parse(JSON.parse(read(botDir, 'keywords.json'))),
    faq: faqSchema.parse(JSON.parse(read(botDir, 'faq.json'))),
    shortMenu: read(botDir, 'short-menu.md'),
    bilingualMenu: read(botDir, 'bilingual-menu.md'),
    // Villages are dropped: the matcher works at township level and the list is large.
    divisions: {
      counties: divisions.counties.map((c) => ({
        code: c.code, name: c.name, townships: c.townships.map((t) => ({ code: t.code, name: t.name })),
      })),
    },
  };
}
