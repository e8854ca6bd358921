// Citizens' reports of scam identifiers and staff's review of them: the bot's ScamReportDesk port,
// the staff's candidates and decisions, and the retention purge. One row per (identifier,
// citizen), the citizen only as a keyed hash. An identifier that `threshold` distinct citizens
// reported is a candidate for staff; only staff's confirmation raises the 鉴诈 verdict of
// anyone who checks a text containing it. A dismissed identifier is a candidate again once `threshold`
// more citizens first report it after the dismissal.
import { Op, UniqueConstraintError, type ModelStatic, type WhereOptions } from 'sequelize';
import { assertCanArticle, canArticle, type ArticleRuleOptions } from '../../articles/rules.js';
import type { ArticleActor } from '../../articles/types.js';
import type { ScamIdentifier, ScamIdentifierKind, ScamReportDesk, ScamReportResult } from '../../bot/ports.js';
import type { CitizenRef } from '../../bot/types.js';
import type { Database } from '../../db/index.js';
import { AppError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import { DAY_MS, shanghaiDay, startOfShanghaiDay } from '../../platform/beijing-time.js';
import { sqlOf } from '../../db/sql.js';
import { ALERT_SUBJECT } from '../types.js';
import { containsAccount, findIdentifiers, lookupValues, MAX_PER_REPORT, SCAM_IDENTIFIER_KINDS, storable } from './identifiers.js';
import {
  defineScamIdentifierModel, defineScamReportModel, type ScamIdentifierRow, type ScamIdentifierState, type ScamReportRow,
} from './models.js';

export interface ScamReportsDeps {
  db: Database;
  /**
   * The citizen as stored: an HMAC of their channel and id (the identity vault's `citizenHash`
   * under a name of its own, so it cannot be joined with the tips' reporter hash).
   */
  citizenHash: (citizen: CitizenRef) => string;
  /** Config `alerts.reportThreshold`: distinct citizens that make an identifier a candidate. */
  threshold: number;
  /** Config `alerts.reportDailyLimit`: new identifiers one citizen may report in a Beijing day. */
  dailyLimit: number;
  /** Config `alerts.reportRetentionDays`: a report row is deleted this long after its latest report. */
  retentionDays: number;
  /** The article rules' options: who may review is who may unpublish an alert. */
  options: ArticleRuleOptions;
  logger: Logger;
  /** The clock of decisions and the purge; tests move it. */
  now?: () => Date;
  /** How long this process trusts its list of confirmed accounts (ms); default a minute. */
  accountsTtlMs?: number;
  /** Rows one purge statement deletes at most; default 1000. */
  purgeChunk?: number;
}

/** An identifier enough citizens reported that staff have not confirmed: what the review list shows. */
export interface ScamCandidate {
  kind: ScamIdentifierKind;
  identifier: string;
  /** Distinct citizens whose reports are kept. */
  citizens: number;
  firstReportedAt: Date;
  lastReportedAt: Date;
  /** When staff last judged it not a scam (enough new citizens reported it since), or null. */
  dismissedAt: Date | null;
}

/** Staff's decision on an identifier. */
export interface ScamDecision {
  kind: ScamIdentifierKind;
  identifier: string;
  state: ScamIdentifierState;
  decidedBy: number;
  decidedAt: Date;
  /** Distinct citizens who had reported it when staff decided. */
  citizens: number;
}

/** What staff do with a candidate: 确认是诈骗 or 不是诈骗. */
export const SCAM_REVIEW_ACTIONS = ['confirm', 'dismiss'] as const;
export type ScamReviewAction = (typeof SCAM_REVIEW_ACTIONS)[number];

const STATE_OF: Readonly<Record<ScamReviewAction, ScamIdentifierState>> = { confirm: 'confirmed', dismiss: 'dismissed' };

export interface ScamReports extends ScamReportDesk {
  /** Candidates, the most reported first, then the latest. */
  candidates(limit: number): Promise<ScamCandidate[]>;
  /** Identifiers staff confirmed, the latest decision first. */
  confirmed(limit: number): Promise<ScamDecision[]>;
  /**
   * An identifier an alert may begin from: a candidate, or one staff confirmed (then `citizens`
   * is the larger of the kept reports and those at the decision); undefined otherwise.
   */
  lookup(kind: string, identifier: string): Promise<ScamCandidate | undefined>;
  /** Whether `actor` may confirm or dismiss (the right to unpublish an alert). */
  mayReview(actor: ArticleActor): boolean;
  /**
   * Records staff's decision on a candidate, or changes an earlier decision. 403 FORBIDDEN without
   * the right; 404 SCAM_IDENTIFIER_NOT_FOUND for an identifier that is neither.
   */
  review(actor: ArticleActor, kind: string, identifier: string, action: ScamReviewAction): Promise<ScamDecision>;
  /** Deletes report rows past retention, in chunks; resolves with the number deleted. */
  purge(): Promise<number>;
}

/** Confirmed accounts checked against a text at most (the list is read whole, then cached). */
const ACCOUNTS_MAX = 2000;

const asKind = (v: unknown): ScamIdentifierKind | undefined =>
  (SCAM_IDENTIFIER_KINDS as readonly unknown[]).includes(v) ? v as ScamIdentifierKind : undefined;

/** A date as the driver gives it in a raw row: a Date (MariaDB) or UTC text (SQLite: `2026-04-30 20:00:00.000 +00:00`). */
function toDate(v: unknown): Date {
  if (v instanceof Date) return v;
  const s = String(v).trim().replace(' ', 'T').replace(/\s*([+-]\d{2}:?\d{2})$/, '$1');
  return new Date(/(Z|[+-]\d{2}:?\d{2})$/.test(s) ? s : `${s}Z`);
}

interface CandidateRow {
  kind: string;
  identifier: string;
  citizens: number | string;
  first_at: unknown;
  last_at: unknown;
  dismissed_at: unknown;
}

const notFound = () => new AppError('SCAM_IDENTIFIER_NOT_FOUND', 404, '没有找到这条举报，可能已经处理过了');

function decisionOf(row: ScamIdentifierRow): ScamDecision | undefined {
  const kind = asKind(row.kind);
  return kind ? { kind, identifier: row.identifier, state: row.state, decidedBy: row.decidedBy, decidedAt: row.decidedAt, citizens: row.citizens } : undefined;
}

export function createScamReports(deps: ScamReportsDeps): ScamReports {
  const Report: ModelStatic<ScamReportRow> = defineScamReportModel(deps.db.sequelize);
  const Decision: ModelStatic<ScamIdentifierRow> = defineScamIdentifierModel(deps.db.sequelize);
  const sql = sqlOf(deps.db);
  const mysql = deps.db.dialect === 'mysql';
  const ttl = deps.accountsTtlMs ?? 60_000;
  const now = deps.now ?? (() => new Date());
  const chunk = deps.purgeChunk ?? 1000;
  let accounts: { at: number; values: string[] } | undefined;

  /**
   * Candidates: identifiers nobody decided on or dismissed ones, with at least `threshold`
   * citizens whose first report came after the dismissal (for undecided ones: all of them).
   * `only` narrows to one identifier.
   */
  async function candidateRows(limit: number, only?: { kind: ScamIdentifierKind; identifier: string }): Promise<ScamCandidate[]> {
    const fresh = 'SUM(CASE WHEN d.decided_at IS NULL OR r.created_at > d.decided_at THEN 1 ELSE 0 END)';
    const rows = await sql.rows<CandidateRow>(
      `SELECT r.kind AS kind, r.identifier AS identifier, COUNT(*) AS citizens, MIN(r.created_at) AS first_at,
         MAX(r.updated_at) AS last_at, MAX(d.decided_at) AS dismissed_at
       FROM scam_reports r LEFT JOIN scam_identifiers d ON d.kind = r.kind AND d.identifier = r.identifier
       WHERE (d.id IS NULL OR d.state = 'dismissed')${only ? ' AND r.kind = ? AND r.identifier = ?' : ''}
       GROUP BY r.kind, r.identifier
       HAVING ${fresh} >= ?
       ORDER BY citizens DESC, last_at DESC, r.identifier ASC
       LIMIT ?`,
      [...(only ? [only.kind, only.identifier] : []), deps.threshold, limit],
    );
    return rows.flatMap((r) => {
      const kind = asKind(r.kind);
      return kind ? [{
        kind, identifier: String(r.identifier), citizens: Number(r.citizens), firstReportedAt: toDate(r.first_at),
        lastReportedAt: toDate(r.last_at), dismissedAt: r.dismissed_at === null || r.dismissed_at === undefined ? null : toDate(r.dismissed_at),
      }] : [];
    });
  }

  /** The confirmed accounts, read at most once per `ttl` in this process. */
  async function confirmedAccounts(): Promise<string[]> {
    if (accounts && Date.now() - accounts.at < ttl) return accounts.values;
    const rows = await Decision.findAll({
      attributes: ['identifier'], where: { kind: 'account', state: 'confirmed' }, order: [['decidedAt', 'DESC']], limit: ACCOUNTS_MAX, raw: true,
    });
    accounts = { at: Date.now(), values: rows.map((r) => r.identifier) };
    return accounts.values;
  }

  const mayReview = (actor: ArticleActor) => canArticle(actor, 'article.unpublish', undefined, deps.options);

  return {
    async report(citizen, identifiers, at) {
      const citizenHash = deps.citizenHash(citizen);
      const day = shanghaiDay(at);
      // New identifiers this citizen reported on this Beijing day. The engine runs one citizen's
      // turns one at a time (its conversation lock), so no other insert of theirs comes between.
      let filed = await Report.count({
        where: { citizenHash, createdAt: { [Op.gte]: startOfShanghaiDay(day), [Op.lt]: startOfShanghaiDay(day + 1) } },
      });
      const results: ScamReportResult[] = [];
      const seen = new Set<string>();
      for (const identifier of identifiers) {
        const key = `${identifier.kind}:${identifier.value}`;
        // A card or ID number is never stored, nor answered as recorded.
        if (seen.has(key) || results.length >= MAX_PER_REPORT || !storable(identifier)) continue;
        seen.add(key);
        const row = { kind: identifier.kind, identifier: identifier.value, citizenHash };
        const earlier = await Report.findOne({ where: row });
        if (earlier) {
          earlier.updatedAt = at;
          await earlier.save();
          results.push({ identifier, outcome: 'again' });
          continue;
        }
        if (filed >= deps.dailyLimit) {
          results.push({ identifier, outcome: 'full' });
          continue;
        }
        try {
          await Report.create({ ...row, createdAt: at, updatedAt: at });
          filed += 1;
          results.push({ identifier, outcome: 'recorded' });
        } catch (err) {
          // The same citizen's report arriving twice at once: one row, counted once.
          if (!(err instanceof UniqueConstraintError)) throw err;
          results.push({ identifier, outcome: 'again' });
        }
      }
      const count = (o: ScamReportResult['outcome']) => results.filter((r) => r.outcome === o).length;
      deps.logger.info({ kinds: results.map((r) => r.identifier.kind), recorded: count('recorded'), again: count('again'), full: count('full') }, 'scam identifiers reported');
      return results;
    },

    async confirmedIn(text) {
      const found = findIdentifiers(text);
      const or: WhereOptions[] = [];
      const phones = found.filter((i) => i.kind === 'phone').map((i) => i.value);
      const urls = [...new Set(found.filter((i) => i.kind === 'url').flatMap(lookupValues))];
      if (phones.length) or.push({ kind: 'phone', identifier: { [Op.in]: phones } });
      if (urls.length) or.push({ kind: 'url', identifier: { [Op.in]: urls } });
      const hits = new Set<string>();
      if (or.length) {
        const rows = await Decision.findAll({ attributes: ['kind', 'identifier'], where: { state: 'confirmed', [Op.or]: or }, raw: true });
        for (const r of rows) hits.add(`${r.kind}:${r.identifier}`);
      }
      const confirmed: ScamIdentifier[] = found.filter((i) => i.kind !== 'account' && lookupValues(i).some((v) => hits.has(`${i.kind}:${v}`)));
      for (const account of await confirmedAccounts()) {
        if (containsAccount(text, account)) confirmed.push({ kind: 'account', value: account });
      }
      return confirmed;
    },

    candidates: (limit) => candidateRows(limit),

    async confirmed(limit) {
      const rows = await Decision.findAll({ where: { state: 'confirmed' }, order: [['decidedAt', 'DESC'], ['id', 'DESC']], limit });
      return rows.flatMap((r) => decisionOf(r) ?? []);
    },

    async lookup(rawKind, identifier) {
      const kind = asKind(rawKind);
      if (!kind) return undefined;
      const [candidate] = await candidateRows(1, { kind, identifier });
      if (candidate) return candidate;
      const decision = await Decision.findOne({ where: { kind, identifier, state: 'confirmed' } });
      if (!decision) return undefined;
      const reports = await Report.findAll({ where: { kind, identifier }, attributes: ['createdAt', 'updatedAt'] });
      const times = (pick: (r: ScamReportRow) => Date) => reports.map((r) => pick(r).getTime());
      return {
        kind, identifier, citizens: Math.max(reports.length, decision.citizens), dismissedAt: null,
        firstReportedAt: reports.length ? new Date(Math.min(...times((r) => r.createdAt))) : decision.decidedAt,
        lastReportedAt: reports.length ? new Date(Math.max(...times((r) => r.updatedAt))) : decision.decidedAt,
      };
    },

    mayReview,

    async review(actor, rawKind, identifier, action) {
      assertCanArticle(actor, 'article.unpublish', undefined, deps.options, ALERT_SUBJECT);
      const kind = asKind(rawKind);
      if (!kind) throw notFound();
      const state = STATE_OF[action];
      const [candidate] = await candidateRows(1, { kind, identifier });
      let row = await Decision.findOne({ where: { kind, identifier } });
      if (!candidate && !row) throw notFound();
      const at = now();
      const citizens = candidate?.citizens ?? await Report.count({ where: { kind, identifier } });
      if (row && row.state === state && !candidate) {
        // Decided so already (two staff at once, or a form sent twice): nothing changes.
        const same = decisionOf(row);
        if (same) return same;
      }
      const values = { state, decidedBy: actor.id, decidedAt: at, citizens };
      if (row) {
        await row.update(values);
      } else {
        try {
          row = await Decision.create({ kind, identifier, ...values });
        } catch (err) {
          // Another staff member decided at the same moment: the later decision stands.
          if (!(err instanceof UniqueConstraintError)) throw err;
          row = await Decision.findOne({ where: { kind, identifier } });
          if (!row) throw err;
          await row.update(values);
        }
      }
      // This instance reads a newly confirmed or dismissed account at once; the others within `ttl`.
      if (kind === 'account') accounts = undefined;
      deps.logger.info({ staffId: actor.id, kind, decision: state, citizens }, 'scam identifier reviewed');
      const decided = decisionOf(row);
      if (!decided) throw notFound();
      return decided;
    },

    async purge() {
      const cutoff = sql.date(new Date(now().getTime() - deps.retentionDays * DAY_MS));
      // SQLite has no DELETE … LIMIT (without a compile option): the ids come from a subquery.
      const statement = mysql
        ? 'DELETE FROM scam_reports WHERE updated_at < ? ORDER BY updated_at, id LIMIT ?'
        : 'DELETE FROM scam_reports WHERE id IN (SELECT id FROM scam_reports WHERE updated_at < ? ORDER BY updated_at, id LIMIT ?)';
      let deleted = 0;
      for (;;) {
        const n = await sql.write(statement, [cutoff, chunk]);
        deleted += n;
        if (n < chunk) break;
      }
      if (deleted > 0) deps.logger.info({ deleted, retentionDays: deps.retentionDays }, 'old scam reports deleted');
      return deleted;
    },
  };
}
