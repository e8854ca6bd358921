// Chinese full-text search of published articles, the same design on SQLite and MariaDB/MySQL.
//
// Chinese has no spaces, so the text is cut into overlapping two-character pieces (bigrams, as
// MySQL's ngram parser does with ngram_token_size=2) and Latin/digit words; each piece is written
// as an ASCII token (`q` + the word, or `z` + the hex code points) into `article_search.tokens`,
// which the database's own full-text index serves: FTS5 (unicode61) on SQLite, an InnoDB
// FULLTEXT index on MariaDB/MySQL. MariaDB ships no ngram parser, and InnoDB's default parser
// drops words under 3 characters and English stopwords; the prefixes make every token at least
// 3 ASCII characters that is no stopword, so 诈骗 is indexed there as on SQLite.
//
// A query is read with its traditional characters folded to simplified ones (tips'
// `foldToSimplified`: 「養老詐騙」 finds what 「养老诈骗」 does), then cut the same way into terms
// (a run of Chinese characters, or a word); the articles' own text is indexed as written. The index
// narrows (every term's tokens present), a LIKE on the stored normalised text makes it exact
// (each term present as written), and a portable score ranks: a term in the title counts 10,
// in the summary or tags 4, in the body once per occurrence up to 5; then the newest first.
// Every value the citizen typed reaches SQL as a bound parameter; the MATCH expression is built
// only from tokens of [a-z0-9], so no operator (quotes, *, NEAR, -, parentheses) can get in.
//
// Invariant: `article_search` holds exactly the published articles, with their current text.
// The repository registers hooks on the Article model (every save, and destroy) that rewrite
// or drop the row in the same transaction; writes to `articles` must go through model saves.
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { foldToSimplified, keepTyped } from '../tips/rules/plain-text.js';

/** What the index keeps of one article. */
export interface SearchSource {
  id: number;
  state: string;
  title: string;
  summary: string;
  tags: string;
  body: string;
}

export interface SearchPlan {
  /** The query as terms, normalised (NFKC, lower case, traditional characters folded): each must appear in the article. */
  terms: string[];
  /** Token expressions for the full-text index (may be empty: single characters only). */
  tokens: Array<{ token: string; prefix: boolean }>;
}

/** Characters of a query that are read; the public list cuts longer words to these (validation.ts). */
export const MAX_QUERY_CHARS = 100;
const MAX_TERMS = 8;
const MAX_ASCII_WORD = 40;
const MAX_HEX_WORD = 12;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD = /[\p{L}\p{N}]/u;

/** NFKC (full-width letters and digits become plain ones) and lower case. */
export function normaliseForSearch(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

// Articles are written in simplified characters, where 著 is a character of its own (显著, 土著)
// that the fold reads as 着 in a few words: a 著 typed is searched as typed. Written as an escape
// because no word the bot matches may hold it (test/bot/traditional-chinese.test.ts).
const KEPT_AS_TYPED = '\u8457';

/** A query as the simplified characters it reads as; each 著 typed stays. */
const foldQuery = (q: string): string => keepTyped(q, foldToSimplified(q), KEPT_AS_TYPED);

/** Runs of Chinese (Japanese, Korean) characters and runs of other letters/digits; the rest separates. */
function runs(normalised: string): Array<{ cjk: boolean; text: string }> {
  const out: Array<{ cjk: boolean; text: string }> = [];
  let current: { cjk: boolean; text: string } | undefined;
  for (const ch of normalised) {
    const cjk = CJK.test(ch);
    if (!cjk && !WORD.test(ch)) {
      current = undefined;
      continue;
    }
    if (current && current.cjk === cjk) current.text += ch;
    else {
      current = { cjk, text: ch };
      out.push(current);
    }
  }
  return out;
}

const hex = (s: string): string => Array.from(s, (c) => (c.codePointAt(0) ?? 0).toString(16).padStart(6, '0')).join('');

/** The ASCII token of a bigram or word; undefined when it would be too long to index. */
function tokenOf(piece: string): string | undefined {
  if (/^[a-z0-9]+$/.test(piece)) return `q${piece.slice(0, MAX_ASCII_WORD)}`;
  return Array.from(piece).length <= MAX_HEX_WORD ? `z${hex(piece)}` : undefined;
}

function bigrams(run: string): string[] {
  const chars = Array.from(run);
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i += 1) out.push(`${chars[i]}${chars[i + 1]}`);
  return out;
}

/** The distinct tokens of a normalised text, space-separated, for the full-text column. */
export function indexTokens(normalised: string): string {
  const tokens = new Set<string>();
  for (const r of runs(normalised)) {
    const pieces = r.cjk ? bigrams(r.text) : [r.text];
    for (const p of pieces) {
      const t = tokenOf(p);
      if (t) tokens.add(t);
    }
  }
  return [...tokens].join(' ');
}

/** What a citizen typed, as terms and index tokens (traditional characters read as simplified). No terms: nothing to look for. */
export function planSearch(q: string): SearchPlan {
  const normalised = foldQuery(normaliseForSearch(Array.from(q).slice(0, MAX_QUERY_CHARS).join('')));
  const terms: string[] = [];
  const tokens: SearchPlan['tokens'] = [];
  for (const r of runs(normalised)) {
    if (terms.includes(r.text)) continue;
    if (terms.length >= MAX_TERMS) break;
    terms.push(r.text);
    if (Array.from(r.text).length < 2) continue; // one character: the LIKE alone finds it
    if (r.cjk) {
      for (const b of bigrams(r.text)) {
        const t = tokenOf(b);
        if (t) tokens.push({ token: t, prefix: false });
      }
    } else if (/^[a-z0-9]+$/.test(r.text)) {
      tokens.push({ token: `q${r.text.slice(0, MAX_ASCII_WORD)}`, prefix: true });
    } else {
      const t = tokenOf(r.text);
      if (t) tokens.push({ token: t, prefix: false });
    }
  }
  return { terms, tokens };
}

/** Markdown to searchable plain text: link targets, image addresses and markup characters dropped. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^[ \t]*(#{1,6}|>+|[-*+]|\d+[.)])[ \t]+/gm, '')
    .replace(/[*_`~|#>]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function tagText(tagsJson: string): string {
  try {
    const v: unknown = JSON.parse(tagsJson);
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string').join(' ') : '';
  } catch {
    return '';
  }
}

/** The row `article_search` keeps for an article (normalised texts and tokens). */
export function searchRow(a: SearchSource) {
  const title = normaliseForSearch(a.title);
  const meta = normaliseForSearch(`${a.summary} ${tagText(a.tags)}`);
  const body = normaliseForSearch(plainText(a.body));
  return { id: a.id, title, meta, body, tokens: indexTokens(`${title} ${meta} ${body}`) };
}

/** A short piece of the body around the first term found, or the summary. Plain text. */
export function snippet(body: string, summary: string, terms: readonly string[], width = 80): string {
  const chars = Array.from(plainText(body).normalize('NFKC'));
  const low = chars.map((c) => c.toLowerCase());
  let at = -1;
  for (const term of terms) {
    const t = Array.from(term);
    for (let i = 0; i + t.length <= low.length && (at < 0 || i < at); i += 1) {
      if (t.every((c, j) => low[i + j] === c)) {
        at = i;
        break;
      }
    }
  }
  if (at < 0) return summary;
  const start = Math.max(0, at - Math.floor(width / 3));
  const end = Math.min(chars.length, start + width);
  return `${start > 0 ? '…' : ''}${chars.slice(start, end).join('').trim()}${end < chars.length ? '…' : ''}`;
}

type Dialect = 'sqlite' | 'mysql';

function dialectOf(sequelize: Sequelize): Dialect {
  return sequelize.getDialect() === 'sqlite' ? 'sqlite' : 'mysql';
}

/** Writes (published) or removes (any other state) the article's search row, in `t` when given. */
export async function syncSearchRow(sequelize: Sequelize, a: SearchSource, t?: Transaction | null): Promise<void> {
  const dialect = dialectOf(sequelize);
  const opts = t ? { transaction: t } : {};
  const id = dialect === 'sqlite' ? 'rowid' : 'article_id';
  await sequelize.query(`DELETE FROM article_search WHERE ${id} = $1`, { ...opts, bind: [a.id], type: QueryTypes.DELETE });
  if (a.state !== 'published') return;
  const r = searchRow(a);
  await sequelize.query(
    `INSERT INTO article_search (${id}, title_text, meta_text, body_text, tokens) VALUES ($1, $2, $3, $4, $5)`,
    { ...opts, bind: [r.id, r.title, r.meta, r.body, r.tokens], type: QueryTypes.INSERT },
  );
}

/** Drops the article's search row. */
export async function dropSearchRow(sequelize: Sequelize, articleId: number, t?: Transaction | null): Promise<void> {
  const id = dialectOf(sequelize) === 'sqlite' ? 'rowid' : 'article_id';
  await sequelize.query(`DELETE FROM article_search WHERE ${id} = $1`, { ...(t ? { transaction: t } : {}), bind: [articleId], type: QueryTypes.DELETE });
}

/** Rebuilds the whole index from `articles` (the migration's backfill). */
export async function rebuildSearchIndex(sequelize: Sequelize, t?: Transaction): Promise<number> {
  const opts = t ? { transaction: t } : {};
  await sequelize.query('DELETE FROM article_search', { ...opts, type: QueryTypes.DELETE });
  const rows = await sequelize.query<SearchSource>(
    "SELECT id, state, title, summary, tags, body FROM articles WHERE state = 'published'", { ...opts, type: QueryTypes.SELECT },
  );
  for (const row of rows) await syncSearchRow(sequelize, row, t ?? null);
  return rows.length;
}

export interface SearchHit {
  id: number;
  score: number;
}

const likeOf = (term: string): string => `%${term.replace(/[!%_]/g, (c) => `!${c}`)}%`;

/** The MATCH expression: only [a-z0-9] tokens, quoted (FTS5) or `+`-required (InnoDB boolean mode). */
export function matchExpression(dialect: Dialect, tokens: SearchPlan['tokens']): string {
  if (dialect === 'sqlite') return tokens.map((t) => `"${t.token}"${t.prefix ? '*' : ''}`).join(' AND ');
  return tokens.map((t) => `+${t.token}${t.prefix ? '*' : ''}`).join(' ');
}

/**
 * Ids of published articles with every term, best first (score, then publication date), and
 * how many there are in all. `limit` and `offset` are clamped integers.
 */
export async function searchIds(sequelize: Sequelize, plan: SearchPlan, opts: { limit: number; offset: number }): Promise<{ hits: SearchHit[]; total: number }> {
  if (plan.terms.length === 0) return { hits: [], total: 0 };
  const dialect = dialectOf(sequelize);
  const bind: Array<string | number> = [];
  const p = (v: string | number): string => {
    bind.push(v);
    return `$${bind.length}`;
  };
  const id = dialect === 'sqlite' ? 's.rowid' : 's.article_id';
  const least = dialect === 'sqlite' ? 'MIN' : 'LEAST';
  const where: string[] = ["a.state = 'published'"];
  if (plan.tokens.length > 0) {
    const expr = p(matchExpression(dialect, plan.tokens));
    where.push(dialect === 'sqlite' ? `s.article_search MATCH ${expr}` : `MATCH(s.tokens) AGAINST (${expr} IN BOOLEAN MODE)`);
  }
  for (const term of plan.terms) {
    const like = likeOf(term);
    where.push(`(s.title_text LIKE ${p(like)} ESCAPE '!' OR s.meta_text LIKE ${p(like)} ESCAPE '!' OR s.body_text LIKE ${p(like)} ESCAPE '!')`);
  }
  // The WHERE holds $1..$n; the scores are bound after them, so the count binds the first n alone.
  const whereValues = [...bind];
  const scores = plan.terms.map((term) => {
    const like = likeOf(term);
    return `10 * (CASE WHEN s.title_text LIKE ${p(like)} ESCAPE '!' THEN 1 ELSE 0 END)`
      + ` + 4 * (CASE WHEN s.meta_text LIKE ${p(like)} ESCAPE '!' THEN 1 ELSE 0 END)`
      + ` + ${least}((LENGTH(s.body_text) - LENGTH(REPLACE(s.body_text, ${p(term)}, ''))) / LENGTH(${p(term)}), 5)`;
  });
  const from = `FROM article_search s JOIN articles a ON a.id = ${id} WHERE ${where.join(' AND ')}`;
  const limit = Math.max(1, Math.min(100, Math.trunc(opts.limit)));
  const offset = Math.max(0, Math.min(100_000, Math.trunc(opts.offset)));
  const rows = await sequelize.query<{ id: number | string; score: number | string }>(
    `SELECT ${id} AS id, (${scores.join(' + ')}) AS score ${from} ORDER BY score DESC, a.published_at DESC, a.id DESC LIMIT ${limit} OFFSET ${offset}`,
    { bind, type: QueryTypes.SELECT },
  );
  const [count] = await sequelize.query<{ n: number | string }>(`SELECT COUNT(*) AS n ${from}`, { bind: whereValues, type: QueryTypes.SELECT });
  return { hits: rows.map((r) => ({ id: Number(r.id), score: Number(r.score) })), total: Number(count?.n ?? 0) };
}
