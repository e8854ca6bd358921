// Reads of the alerts tables, and the row → Alert shape every reader gets.
import { Op, type Transaction, type WhereOptions } from 'sequelize';
import { parseStringArray, sequelizeOf, toEvent, writersSince, type HistoryTables } from '../articles/repository.js';
import { ARTICLE_STATES, type ArticleState } from '../articles/types.js';
import { FRAUD_TYPE_KEYS, type FraudTypeKey } from './fraud/index.js';
import type { AlertModels, AlertRevisionRow, AlertRow } from './models.js';
import { ALERT_SEVERITIES, SEVERITY_RANK, type Alert, type AlertContent, type AlertEvent, type AlertRevision, type AlertSeverity } from './types.js';

/** Current alerts are few (days to weeks each); more than this many at once is not expected. */
const CURRENT_MAX = 200;

const member = <T extends string>(set: readonly T[], fallback: T) => (v: string): T => ((set as readonly string[]).includes(v) ? v as T : fallback);
const asState = member<ArticleState>(ARTICLE_STATES, 'draft');
const asFraudType = member<FraudTypeKey>(FRAUD_TYPE_KEYS, 'other');
const asSeverity = member<AlertSeverity>(ALERT_SEVERITIES, 'info');

function contentOf(row: AlertRow | AlertRevisionRow): AlertContent {
  return {
    title: row.title, summary: row.summary, fraudType: asFraudType(row.fraudType), severity: asSeverity(row.severity),
    counties: parseStringArray(row.counties), body: row.body, validUntil: row.validUntil, author: row.author,
  };
}

export function toAlert(row: AlertRow): Alert {
  return {
    id: row.id, ...contentOf(row), state: asState(row.state), revision: row.revision, contentHash: row.contentHash,
    publishedAt: row.publishedAt, createdBy: row.createdBy, updatedBy: row.updatedBy, createdAt: row.createdAt, updatedAt: row.updatedAt,
  };
}

function toRevision(row: AlertRevisionRow): AlertRevision {
  return { ...contentOf(row), revision: row.revision, contentHash: row.contentHash, createdBy: row.createdBy, createdAt: row.createdAt };
}

/**
 * Published alerts for a county: those naming it and the city-wide ones (`[]`). The code is a
 * bound value; county codes are digits, so LIKE's wildcards cannot occur in it.
 */
function published(county: string | undefined, more: WhereOptions): WhereOptions {
  const base = { state: 'published', ...more };
  if (!county) return base;
  return { ...base, [Op.or]: [{ counties: '[]' }, { counties: { [Op.like]: `%${JSON.stringify(county)}%` } }] };
}

/** Current alerts in the order citizens see them: the county's own first, then the graver, then the newer. */
export function currentOrder(county: string | undefined) {
  const own = (a: Alert) => (county && a.counties.includes(county) ? 0 : 1);
  return (a: Alert, b: Alert): number => own(a) - own(b)
    || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]
    || (b.publishedAt?.getTime() ?? 0) - (a.publishedAt?.getTime() ?? 0)
    || b.id - a.id;
}

const ALERT_HISTORY: HistoryTables = { revisions: 'alert_revisions', events: 'alert_events', key: 'alert_id' };

export function createAlertRepository(models: AlertModels) {
  const { Alert, AlertRevision, AlertEvent } = models;
  return {
    models,

    async byId(id: number, t?: Transaction): Promise<AlertRow | null> {
      return Alert.findByPk(id, t ? { transaction: t, lock: t.LOCK.UPDATE } : {});
    },

    /** A published alert, or undefined (drafts and withdrawn alerts do not exist publicly). */
    async publishedById(id: number): Promise<Alert | undefined> {
      const row = await Alert.findOne({ where: { id, state: 'published' } });
      return row ? toAlert(row) : undefined;
    },

    /** Every alert for the staff list, last changed first. */
    async listAll(opts: { state?: ArticleState | undefined; limit: number }): Promise<Alert[]> {
      const rows = await Alert.findAll({
        where: opts.state ? { state: opts.state } : {}, order: [['updatedAt', 'DESC'], ['id', 'DESC']], limit: opts.limit,
      });
      return rows.map(toAlert);
    },

    /** Published alerts still valid at `now` (for `county` and city-wide when given), in `currentOrder`. */
    async current(opts: { now: Date; county?: string | undefined; limit?: number }): Promise<Alert[]> {
      const rows = await Alert.findAll({
        where: published(opts.county, { validUntil: { [Op.gt]: opts.now } }), order: [['validUntil', 'ASC']], limit: CURRENT_MAX,
      });
      return rows.map(toAlert).sort(currentOrder(opts.county)).slice(0, opts.limit ?? CURRENT_MAX);
    },

    /** Published alerts no longer valid at `now`, the most recently expired first, a page of them. */
    async expired(opts: { now: Date; county?: string | undefined; limit: number; offset: number }): Promise<{ items: Alert[]; total: number }> {
      const { rows, count } = await Alert.findAndCountAll({
        where: published(opts.county, { validUntil: { [Op.lte]: opts.now } }),
        order: [['validUntil', 'DESC'], ['id', 'DESC']], limit: opts.limit, offset: opts.offset,
      });
      return { items: rows.map(toAlert), total: count };
    },

    /** Who wrote the text under review: the writers of the revisions since the last publication (articles' `writersSince`). */
    writers(alertId: number, t?: Transaction): Promise<number[]> {
      return writersSince(sequelizeOf(Alert), ALERT_HISTORY, alertId, t);
    },

    async revisions(alertId: number): Promise<AlertRevision[]> {
      const rows = await AlertRevision.findAll({ where: { alertId }, order: [['revision', 'ASC']] });
      return rows.map(toRevision);
    },

    async events(alertId: number): Promise<AlertEvent[]> {
      const rows = await AlertEvent.findAll({ where: { alertId }, order: [['id', 'ASC']] });
      return rows.map(toEvent);
    },
  };
}

export type AlertRepository = ReturnType<typeof createAlertRepository>;
