// Citizens' reports of scam identifiers: the bot's ScamReportDesk port and the staff's list of
// candidates. One row per (identifier, citizen), the citizen only as a keyed hash; an identifier
// reported by at least `threshold` distinct citizens raises the 鉴诈 verdict of anyone who checks
// a text containing it, and is listed for staff as a candidate alert.
import { col, fn, Op, UniqueConstraintError, where, type ModelStatic, type WhereOptions } from 'sequelize';
import type { ScamIdentifier, ScamIdentifierKind, ScamReportDesk, ScamReportResult } from '../../bot/ports.js';
import type { CitizenRef } from '../../bot/types.js';
import type { Database } from '../../db/index.js';
import type { Logger } from '../../platform/logger.js';
import { containsAccount, findIdentifiers, lookupValues, MAX_PER_REPORT, SCAM_IDENTIFIER_KINDS } from './identifiers.js';
import { defineScamReportModel, type ScamReportRow } from './models.js';

export interface ScamReportsDeps {
  db: Database;
  /**
   * The citizen as stored: an HMAC of their channel and id (the identity vault's `citizenHash`
   * under a name of its own, so it cannot be joined with the tips' reporter hash).
   */
  citizenHash: (citizen: CitizenRef) => string;
  /** Config `alerts.reportThreshold`: distinct citizens that make an identifier count. */
  threshold: number;
  logger: Logger;
  /** How long this process trusts its list of reported accounts (ms); default a minute. */
  accountsTtlMs?: number;
  /** Milliseconds clock of that list; tests move it. */
  clock?: () => number;
}

/** An identifier enough citizens reported: what the staff list shows. */
export interface ScamCandidate {
  kind: ScamIdentifierKind;
  identifier: string;
  /** Distinct citizens who reported it. */
  citizens: number;
  firstReportedAt: Date;
  lastReportedAt: Date;
}

export interface ScamReports extends ScamReportDesk {
  /** Identifiers at or over the threshold, the most reported first, then the latest. */
  candidates(limit: number): Promise<ScamCandidate[]>;
}

/** Reported accounts checked against a text at most (the list is read whole, then cached). */
const ACCOUNTS_MAX = 2000;

const asKind = (v: unknown): ScamIdentifierKind | undefined =>
  (SCAM_IDENTIFIER_KINDS as readonly unknown[]).includes(v) ? v as ScamIdentifierKind : undefined;

/** An aggregate's date as the driver gives it: a Date (MariaDB) or UTC text (SQLite: `2026-04-30 20:00:00.000 +00:00`). */
function toDate(v: unknown): Date {
  if (v instanceof Date) return v;
  const s = String(v).trim().replace(' ', 'T').replace(/\s*([+-]\d{2}:?\d{2})$/, '$1');
  return new Date(/(Z|[+-]\d{2}:?\d{2})$/.test(s) ? s : `${s}Z`);
}

export function createScamReports(deps: ScamReportsDeps): ScamReports {
  const Report: ModelStatic<ScamReportRow> = defineScamReportModel(deps.db.sequelize);
  const ttl = deps.accountsTtlMs ?? 60_000;
  const clock = deps.clock ?? Date.now;
  const enough = where(fn('COUNT', col('id')), { [Op.gte]: deps.threshold });
  let accounts: { at: number; values: string[] } | undefined;

  /** `kind:identifier` of the identifiers among `values` that enough citizens reported. */
  async function reachedThreshold(wanted: ReadonlyMap<ScamIdentifierKind, readonly string[]>): Promise<Set<string>> {
    const or: WhereOptions[] = [];
    for (const [kind, values] of wanted) if (values.length) or.push({ kind, identifier: { [Op.in]: [...new Set(values)] } });
    if (or.length === 0) return new Set();
    const rows = await Report.findAll({
      attributes: ['kind', 'identifier'], where: { [Op.or]: or }, group: ['kind', 'identifier'], having: enough, raw: true,
    });
    return new Set(rows.map((r) => `${r.kind}:${r.identifier}`));
  }

  /** The accounts enough citizens reported, read at most once per `ttl` in this process. */
  async function reportedAccounts(): Promise<string[]> {
    if (accounts && clock() - accounts.at < ttl) return accounts.values;
    const rows = await Report.findAll({
      attributes: ['identifier'], where: { kind: 'account' }, group: ['identifier'], having: enough, limit: ACCOUNTS_MAX, raw: true,
    });
    accounts = { at: clock(), values: rows.map((r) => r.identifier) };
    return accounts.values;
  }

  return {
    async report(citizen, identifiers, at) {
      const citizenHash = deps.citizenHash(citizen);
      const results: ScamReportResult[] = [];
      const seen = new Set<string>();
      for (const identifier of identifiers) {
        const key = `${identifier.kind}:${identifier.value}`;
        if (seen.has(key) || results.length >= MAX_PER_REPORT) continue;
        seen.add(key);
        const row = { kind: identifier.kind, identifier: identifier.value, citizenHash };
        const earlier = await Report.findOne({ where: row });
        if (earlier) {
          earlier.updatedAt = at;
          await earlier.save();
          results.push({ identifier, first: false });
          continue;
        }
        try {
          await Report.create({ ...row, createdAt: at, updatedAt: at });
          results.push({ identifier, first: true });
        } catch (err) {
          // The same citizen's report arriving twice at once: one row, counted once.
          if (!(err instanceof UniqueConstraintError)) throw err;
          results.push({ identifier, first: false });
        }
      }
      // This instance sees a newly reported account at once; the others within `ttl`.
      if (results.some((r) => r.first && r.identifier.kind === 'account')) accounts = undefined;
      deps.logger.info({ kinds: results.map((r) => r.identifier.kind), first: results.filter((r) => r.first).length }, 'scam identifiers reported');
      return results;
    },

    async reportedIn(text) {
      const found = findIdentifiers(text);
      const wanted = new Map<ScamIdentifierKind, string[]>([
        ['phone', found.filter((i) => i.kind === 'phone').map((i) => i.value)],
        ['url', found.filter((i) => i.kind === 'url').flatMap(lookupValues)],
      ]);
      const hits = await reachedThreshold(wanted);
      const reported: ScamIdentifier[] = found.filter((i) => i.kind !== 'account' && lookupValues(i).some((v) => hits.has(`${i.kind}:${v}`)));
      for (const account of await reportedAccounts()) {
        if (containsAccount(text, account)) reported.push({ kind: 'account', value: account });
      }
      return reported;
    },

    async candidates(limit) {
      const rows = await Report.findAll({
        attributes: [
          'kind', 'identifier', [fn('COUNT', col('id')), 'citizens'], [fn('MIN', col('created_at')), 'firstReportedAt'],
          [fn('MAX', col('updated_at')), 'lastReportedAt'],
        ],
        group: ['kind', 'identifier'], having: enough,
        order: [[fn('COUNT', col('id')), 'DESC'], [fn('MAX', col('updated_at')), 'DESC'], ['identifier', 'ASC']],
        limit, raw: true,
      }) as unknown as Array<Record<string, unknown>>;
      return rows.flatMap((r) => {
        const kind = asKind(r.kind);
        return kind ? [{
          kind, identifier: String(r.identifier), citizens: Number(r.citizens),
          firstReportedAt: toDate(r.firstReportedAt), lastReportedAt: toDate(r.lastReportedAt),
        }] : [];
      });
    },
  };
}
