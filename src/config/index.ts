// The only module that reads config/ and the environment. Everything else receives an AppConfig.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { isIP } from 'node:net';
import { z } from 'zod';
import { PASSWORD_COST } from '../staff/passwords.js';

export const CONFIG_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../config');

const menuButton: z.ZodType<MenuButton> = z.lazy(() =>
  z.object({
    type: z.string().optional(),
    name: z.string().min(1),
    key: z.string().optional(),
    url: z.string().optional(),
    sub_button: z.array(menuButton).optional(),
  }).strict(),
);
export interface MenuButton {
  type?: string | undefined;
  name: string;
  key?: string | undefined;
  url?: string | undefined;
  sub_button?: MenuButton[] | undefined;
}

const databaseUrl = z.string().min(1, 'must be sqlite:<path> or mysql://user:pass@host:port/db').refine(
  (v) => v.startsWith('sqlite:') || v.startsWith('mysql://') || v.startsWith('mariadb://'),
  'must be sqlite:<path> or mysql://user:pass@host:port/db',
);

// TRUST_PROXY: the proxies whose X-Forwarded-For is believed, "10.0.0.1,10.1.0.0/16" (addresses or
// CIDR ranges); empty = off, the socket's address is the client's.
const proxyEntry = (v: string) => {
  const [addr = '', bits, extra] = v.split('/');
  const family = isIP(addr);
  if (family === 0 || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
};
const trustProxy = z.union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((p) => p.trim()).filter((p) => p !== ''))
  .refine((list) => list.every(proxyEntry), 'TRUST_PROXY must be empty or comma-separated IP addresses or CIDR ranges of the trusted proxies');

// PUBLIC_ORIGIN: scheme://host[:port] the staff pages are served from, as a browser names it in
// Origin; state-changing staff requests must come from it (src/http/csrf.ts). Kept as URL.origin.
const isWebOrigin = (v: string) => {
  try {
    const u = new URL(v);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === ''
      && u.pathname === '/' && u.search === '' && u.hash === '' && !/[?#]/.test(v);
  } catch {
    return false;
  }
};
const publicOrigin = z.string()
  .refine(isWebOrigin, 'PUBLIC_ORIGIN is required: the origin the staff pages are served from, http(s)://host[:port] without a path')
  .transform((v) => new URL(v).origin);

export const configSchema = z.object({
  env: z.string(),
  port: z.coerce.number().int().min(0).max(65535),
  trustProxy,
  publicOrigin,
  databaseUrl,
  // REDIS_URL: where shared state lives when the service runs as several instances; empty = the
  // database (shared_state table).
  redis: z.object({
    url: z.string().refine((v) => v === '' || /^rediss?:\/\//.test(v), 'REDIS_URL must be empty or redis://[:password@]host:port[/db]'),
    prefix: z.string().min(1),
  }).strict(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  // METRICS_TOKEN: the bearer token /metrics asks for; empty = /metrics is not served (404).
  metricsToken: z.string().refine((v) => v === '' || /^[\x21-\x7e]{16,}$/.test(v), 'METRICS_TOKEN must be empty or at least 16 printable ASCII characters without spaces'),
  wechat: z.object({
    token: z.string().min(1, 'WECHAT_TOKEN is required'),
    appId: z.string(),
    appSecret: z.string(),
    aesKey: z.string().refine((v) => v === '' || /^[A-Za-z0-9+/]{43}$/.test(v), 'WECHAT_AES_KEY must be the 43-character EncodingAESKey'),
    apiBase: z.string().url(),
    requireEncryption: z.coerce.boolean(),
    timestampToleranceSeconds: z.number().int().positive(),
    replyBudgetMs: z.number().int().positive(),
    dedupeTtlSeconds: z.number().int().positive(),
    bodyLimitBytes: z.number().int().positive(),
    // WECHAT_TEMPLATE_ALERT: the template of anti-fraud alerts (docs/alerts.md#push); empty = the
    // push's template channel is unavailable.
    templates: z.object({ tipStatus: z.string(), alert: z.string() }).strict(),
    // WECHAT_MASS_QUOTA_PER_DAY: mass sends (群发) the account may make per China-time day: 1 for a
    // subscription account (订阅号), 4 a month for a service account; counted in article_wechat.
    massQuotaPerDay: z.coerce.number().int().min(0).max(100),
  }).strict().refine((w) => !w.requireEncryption || w.aesKey !== '', {
    message: 'requireEncryption needs WECHAT_AES_KEY', path: ['aesKey'],
  }),
  menu: z.object({ button: z.array(menuButton).min(1).max(3) }).strict(),
  menuKeys: z.record(z.string()),
  bot: z.object({
    idleTimeoutSeconds: z.number().int().positive(),
    draftKeepSeconds: z.number().int().positive(),
    messagesPerMinute: z.number().int().positive(),
    tipsPerDay: z.number().int().positive(),
    maxTextLength: z.number().int().positive(),
    // MODEL_CACHE_DIR: where the text models' trained weights are kept between starts (resolved
    // from the working directory); empty = train at every start.
    modelCacheDir: z.string().transform((v) => (v === '' ? '' : path.resolve(v))),
  }).strict(),
  tips: z.object({
    // "keyId:base64key,keyId2:base64key2" — the first key encrypts, all keys decrypt (rotation).
    identityKeys: z.string().min(1, 'TIP_IDENTITY_KEYS is required (keyId:base64 32-byte key)').refine(
      (v) => v.split(',').every((p) => /^[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/=]+$/.test(p.trim())
        && Buffer.from(p.split(':')[1] ?? '', 'base64').length === 32),
      'TIP_IDENTITY_KEYS must be keyId:base64 pairs of 32-byte keys, comma separated',
    ),
    identityHashKey: z.string().min(8, 'TIP_IDENTITY_HASH_KEY is required (at least 8 characters)'),
    leaseMinutes: z.number().int().positive(),
    // TIP_ANSWER_HOLD_MINUTES: an answer waits this long before it reaches the citizen, and may be
    // corrected meanwhile; 0 = sent at once, no correction.
    answerHoldMinutes: z.coerce.number().min(0).max(60),
  }).strict(),
  staff: z.object({
    adminPassword: z.string(),
    sessionHours: z.number().positive(),
    // A session unused this long ends (sign in again); 0: only sessionHours ends it. At least a
    // minute: a session's last use is written at most once a minute (src/staff/sessions.ts).
    idleMinutes: z.union([z.literal(0), z.number().min(1)]),
    loginMaxFailures: z.number().int().positive(),
    loginLockMinutes: z.number().positive(),
    cookieSecure: z.coerce.boolean(),
    // scrypt's cost (N) for new password hashes: a power of two, 16384 or more outside tests.
    passwordCost: z.number().int().refine((n) => n >= 1024 && n <= 1_048_576 && (n & (n - 1)) === 0, 'staff.passwordCost must be a power of two from 1024 to 1048576'),
  }).strict(),
  articles: z.object({
    // Folder of the starter articles (`*.md` with front matter), relative to the project root;
    // imported at start. Empty: nothing is imported.
    contentDir: z.string(),
    // ARTICLES_SELF_PUBLISH: an editor may publish what they wrote (a small team); otherwise a
    // second editor or the admin publishes.
    selfPublish: z.coerce.boolean(),
    pageSize: z.number().int().min(1).max(100),
    // The cover a WeChat draft gets when the article has none (a PNG or JPEG file, relative to the
    // project root). Empty: an article without a cover is refused for WeChat.
    wechatCover: z.string(),
  }).strict(),
  alerts: z.object({
    // ALERT_PUSH_RATE_PER_SECOND: sends per second of the account's alert pushes together,
    // shared by every worker and job (the pace row holds the next free send slot, src/alerts/push/).
    pushRatePerSecond: z.coerce.number().positive().max(10_000),
    // Recipients one worker claims at a time.
    pushBatchSize: z.number().int().min(1).max(1000),
    // Sends of one recipient before a transient failure becomes final.
    pushMaxAttempts: z.number().int().min(1).max(20),
    // Retry back-off, and the hold of every push while WeChat fails: the first wait, doubled
    // each time up to the cap.
    pushRetryBaseSeconds: z.number().positive(),
    pushRetryMaxSeconds: z.number().positive(),
    // Template messages the account may send in one Beijing day (WeChat's daily limit for it);
    // what is left waits for the next day.
    pushTemplateDailyLimit: z.number().int().min(1),
    // Days a finished push keeps its recipient rows; then only its counts stay, and the alert
    // cannot be pushed again by customer-service or template message.
    pushRetentionDays: z.number().int().min(1).max(3650),
    // How long a claimed batch is a worker's; an expired claim is recovered by another worker.
    pushClaimSeconds: z.number().int().min(10),
    // Distinct citizens who must report a phone number, address or account before staff see it
    // as a candidate to review; only staff's confirmation raises 鉴诈 (src/alerts/reports).
    reportThreshold: z.number().int().min(1).max(1000),
    // New identifiers one citizen may report in one Beijing day; reports beyond it are not stored.
    reportDailyLimit: z.number().int().min(1).max(1000),
    // Days a citizen's report is kept after their latest report of it; staff's decisions stay.
    reportRetentionDays: z.number().int().min(1).max(3650),
    // Hours between imports of WeChat's list of followers (src/alerts/followers/import.ts), the
    // first once the server listens; 0: none (npm run followers:import still runs one).
    followerImportHours: z.number().min(0).max(24 * 14),
  }).strict(),
  wechaty: z.object({
    puppet: z.string(),
    puppetToken: z.string(),
    name: z.string(),
    staffRooms: z.array(z.string()),
  }).strict(),
  holidays: z.object({
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)),
    makeupWorkdays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)),
  }).strict(),
}).strict();

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** Validates a raw object; the message names every bad key. */
export function parseConfig(raw: unknown): AppConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };
export type ConfigOverrides = DeepPartial<AppConfig>;

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (base && over && typeof base === 'object' && typeof over === 'object' && !Array.isArray(base) && !Array.isArray(over)) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = merge(out[k], v);
    return out;
  }
  return over;
}

/** Loads config/ through the `config` package layering (NODE_ENV), env overrides, and the holiday table. */
export async function loadConfig(overrides: ConfigOverrides = {}): Promise<AppConfig> {
  process.env.NODE_CONFIG_DIR ??= CONFIG_DIR;
  process.env.SUPPRESS_NO_CONFIG_WARNING = 'y';
  const { default: config } = await import('config');
  const raw = JSON.parse(JSON.stringify(config.util.toObject())) as Record<string, unknown>;
  raw.env = process.env.NODE_ENV ?? 'development';
  raw.holidays = JSON.parse(readFileSync(path.join(CONFIG_DIR, 'holidays.json'), 'utf8')) as unknown;
  const parsed = parseConfig(merge(raw, overrides));
  // A cheap hash is for the tests' hundreds of accounts (config/test.json), never for staff's
  // passwords: below the default (PASSWORD_COST) only under NODE_ENV=test.
  if (process.env.NODE_ENV !== 'test' && parsed.staff.passwordCost < PASSWORD_COST) {
    throw new ConfigError(`Invalid configuration:\n  staff.passwordCost: at least ${PASSWORD_COST} outside NODE_ENV=test`);
  }
  return parsed;
}

/** For process entry points: a bad configuration prints the named keys and exits with EX_CONFIG. */
export async function loadConfigOrExit(): Promise<AppConfig> {
  try {
    return await loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}
