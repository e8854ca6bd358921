// Staff actions on alerts, on the article state machine and rights (src/articles/rules.ts) with
// the ALERT_* codes. Each runs in one transaction: lock the row, ask the rules who may act and
// where the state goes, write the row, a revision for every change of text, and an event. A
// publication records its push (`startPush`) in the same transaction: published and pushed, or
// neither. After commit the rendered HTML is dropped.
import { createHash } from 'node:crypto';
import { UniqueConstraintError, type Transaction } from 'sequelize';
import { withDeadlockRetry } from '../db/deadlock.js';
import type { ArticleHtmlCache } from '../articles/cache.js';
import {
  allowedActions as articleActions, ArticleRuleError, assertCanArticle, canArticle, transition, type ArticleRight, type ArticleRuleOptions,
} from '../articles/rules.js';
import { lockedChange } from '../articles/service.js';
import type { ArticleActor, ArticleFacts, ArticleState } from '../articles/types.js';
import type { Database } from '../db/index.js';
import type { Logger } from '../platform/logger.js';
import type { AlertRow } from './models.js';
import type { PushChannel } from './push/rules.js';
import { toAlert, type AlertRepository } from './repository.js';
import { ALERT_ACTIONS, ALERT_SUBJECT, isCurrent, type Alert, type AlertAction, type AlertContent, type AlertEventType } from './types.js';

/** How a publication is to reach followers: the channels the publisher picked. */
export interface AlertPublication {
  channels: readonly PushChannel[];
  /** The staff member who published. */
  publishedBy: number;
}

/**
 * Records the push of an alert being published, inside the publication's transaction `t`: a
 * refusal (a quota taken meanwhile, a push still going) undoes the publication. See
 * AlertsModuleDeps.startPush.
 */
export type AlertPushStarter = (alert: Alert, publication: AlertPublication, t: Transaction) => Promise<void>;

/** Called once an alert has been withdrawn (committed): its pushes still going out stop. */
export type AlertWithdrawnHook = (alert: Alert) => Promise<void> | void;

/**
 * Refuses channels that cannot carry this alert now (the template not configured, too little of
 * today's mass-send quota left), so that nothing is published that would not be pushed as asked.
 */
export type AlertChannelCheck = (alert: Alert, channels: readonly PushChannel[]) => Promise<void>;

/** Without a choice, customer-service messages: no quota, only followers in the 48-hour window. */
export const DEFAULT_PUSH_CHANNELS: readonly PushChannel[] = ['custom'];

export interface AlertServiceDeps {
  db: Database;
  repo: AlertRepository;
  /** The articles' HTML cache, an instance of its own for alerts (ids are the alerts'). */
  cache: ArticleHtmlCache;
  options: ArticleRuleOptions;
  logger: Logger;
  /** The clock; tests move it. */
  now?: () => Date;
  startPush?: AlertPushStarter;
  onWithdrawn?: AlertWithdrawnHook;
  checkChannels?: AlertChannelCheck;
}

const notFound = () => new ArticleRuleError('ALERT_NOT_FOUND', 404, '没有找到这条预警');
const stale = () => new ArticleRuleError('ALERT_STALE', 409, '预警已被别人修改，请刷新后再改');
const expired = () => new ArticleRuleError('ALERT_EXPIRED', 409, '这条预警已过有效期，请先把有效期改到以后再发布');

/** SHA-256 over the content fields in a fixed order: equal content, equal hash. */
export function alertContentHash(c: AlertContent): string {
  const canonical = JSON.stringify([c.title, c.summary, c.fraudType, c.severity, [...c.counties].sort(), c.body, c.validUntil.toISOString(), c.author]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * The actions `actor` may take on `alert` now (the article rules' answer, without scheduling);
 * with `writers` (AlertService.publisherFacts) the publisher rights as the service judges them.
 */
export function alertActions(actor: ArticleActor, alert: Alert & Pick<ArticleFacts, 'writers'>, options: ArticleRuleOptions): AlertAction[] {
  const allowed = new Set<string>(articleActions(actor, alert, options));
  return ALERT_ACTIONS.filter((a) => allowed.has(a));
}

export function createAlertService(deps: AlertServiceDeps) {
  const { db, repo, cache, options } = deps;
  const { Alert: AlertModel, AlertRevision, AlertEvent } = repo.models;
  const clock = deps.now ?? (() => new Date());
  const logger = deps.logger;
  const can = (actor: ArticleActor, right: ArticleRight, alert: (Alert & Pick<ArticleFacts, 'writers'>) | undefined) =>
    assertCanArticle(actor, right, alert, options, ALERT_SUBJECT);

  /**
   * `alert` with the writers of its text under review (`ArticleFacts.writers`: revisions since
   * its last publication), for the publisher rights; in `t` when given, under the row's lock.
   */
  async function withWriters(alert: Alert, t?: Transaction): Promise<Alert & Required<Pick<ArticleFacts, 'writers'>>> {
    return { ...alert, writers: await repo.writers(alert.id, t) };
  }

  async function event(t: Transaction, row: AlertRow, type: AlertEventType, actorId: number | null, from: ArticleState | null, at: Date) {
    await AlertEvent.create({
      alertId: row.id, type, actorId, fromState: from, toState: row.state, revision: row.revision, data: null, createdAt: at,
    }, { transaction: t });
  }

  async function revision(t: Transaction, row: AlertRow, actorId: number | null, at: Date) {
    await AlertRevision.create({
      alertId: row.id, revision: row.revision, title: row.title, summary: row.summary, fraudType: row.fraudType, severity: row.severity,
      counties: row.counties, body: row.body, validUntil: row.validUntil, author: row.author, contentHash: row.contentHash,
      createdBy: actorId, createdAt: at,
    }, { transaction: t });
  }

  function applyContent(row: AlertRow, c: AlertContent, hash: string) {
    row.title = c.title;
    row.summary = c.summary;
    row.fraudType = c.fraudType;
    row.severity = c.severity;
    row.counties = JSON.stringify(c.counties);
    row.body = c.body;
    row.validUntil = c.validUntil;
    row.author = c.author;
    row.contentHash = hash;
  }

  const onAlert = lockedChange({ db, byId: (id, t) => repo.byId(id, t), toShape: toAlert, notFound, cache, clock });

  /** The rights, state and date a publication needs, as the step checks them again under the row lock. */
  function assertPublishable(actor: ArticleActor, facts: Alert & Pick<ArticleFacts, 'writers'>, now: Date): void {
    can(actor, 'article.publish', facts);
    transition(facts.state, 'publish', ALERT_SUBJECT);
    // A publication reaches followers at once: an alert past its date must be given a new one first.
    if (!isCurrent(facts, now)) throw expired();
  }

  /** A state change without new text: submit, publish, unpublish. */
  function step(action: 'submit' | 'publish' | 'unpublish', right: 'article.submit' | 'article.publish' | 'article.unpublish') {
    return (actor: ArticleActor, id: number, within?: (alert: Alert, t: Transaction) => Promise<void>): Promise<Alert> => onAlert(id, async (row, t, now) => {
      const facts = toAlert(row);
      if (action === 'publish') assertPublishable(actor, await withWriters(facts, t), now);
      else can(actor, right, facts);
      const tr = transition(facts.state, action, ALERT_SUBJECT);
      row.state = tr.to;
      if (tr.to === 'published') row.publishedAt = now;
      row.updatedAt = now;
      row.updatedBy = actor.id;
      await row.save({ transaction: t });
      await event(t, row, tr.event as AlertEventType, actor.id, tr.from, now);
      if (within) await within(toAlert(row), t);
    });
  }
  const publishStep = step('publish', 'article.publish');
  const unpublishStep = step('unpublish', 'article.unpublish');

  /** 撤下, then the withdrawn alert's pushes stop: its page is gone, so must its messages be. */
  async function unpublish(actor: ArticleActor, id: number): Promise<Alert> {
    const alert = await unpublishStep(actor, id);
    if (deps.onWithdrawn) {
      try {
        await deps.onWithdrawn(alert);
      } catch (err) {
        logger.error({ err, alertId: alert.id }, 'alert withdrawn, but its push could not be stopped');
      }
    }
    return alert;
  }

  return {
    async create(actor: ArticleActor, input: AlertContent): Promise<Alert> {
      can(actor, 'article.write', undefined);
      const now = clock();
      return db.transaction(async (t) => {
        const row = await AlertModel.create({
          title: input.title, summary: input.summary, fraudType: input.fraudType, severity: input.severity, counties: JSON.stringify(input.counties),
          body: input.body, validUntil: input.validUntil, author: input.author, contentHash: alertContentHash(input), state: 'draft', revision: 1,
          publishedAt: null, createdBy: actor.id, updatedBy: actor.id, createdAt: now, updatedAt: now,
        }, { transaction: t });
        await revision(t, row, actor.id, now);
        await event(t, row, 'created', actor.id, null, now);
        return toAlert(row);
      });
    },

    /**
     * New text: a revision, and back to draft unless a publisher corrects a live alert.
     * `baseRevision`, when given, must still be the latest (409 ALERT_STALE otherwise).
     */
    update(actor: ArticleActor, id: number, input: AlertContent, baseRevision?: number): Promise<Alert> {
      return onAlert(id, async (row, t, now) => {
        const facts = toAlert(row);
        can(actor, 'article.write', facts);
        if (baseRevision !== undefined && baseRevision !== row.revision) throw stale();
        const tr = transition(facts.state, 'edit', ALERT_SUBJECT);
        const hash = alertContentHash(input);
        if (hash === row.contentHash && tr.to === facts.state) return;
        applyContent(row, input, hash);
        row.state = tr.to;
        row.revision += 1;
        row.updatedAt = now;
        row.updatedBy = actor.id;
        await row.save({ transaction: t });
        await revision(t, row, actor.id, now);
        await event(t, row, 'edited', actor.id, tr.from, now);
      });
    },

    submit: step('submit', 'article.submit'),
    unpublish,

    /**
     * Publishes and records the push by `channels` (default customer-service messages) in one
     * transaction. The channels are checked first without a lock, for a quick refusal; the push's
     * own refusal inside the transaction (another sender took the quota meanwhile) undoes the
     * publication and reaches the caller. A refusal of rights, state or date comes first.
     */
    async publish(actor: ArticleActor, id: number, opts: { channels?: readonly PushChannel[] } = {}): Promise<Alert> {
      const channels = opts.channels?.length ? opts.channels : DEFAULT_PUSH_CHANNELS;
      if (deps.checkChannels) {
        const row = await repo.byId(id);
        if (!row) throw notFound();
        const facts = toAlert(row);
        assertPublishable(actor, await withWriters(facts), clock());
        await deps.checkChannels(facts, channels);
      }
      const start = deps.startPush;
      const within = start ? (a: Alert, t: Transaction) => start(a, { channels, publishedBy: actor.id }, t) : undefined;
      for (let attempt = 0; ; attempt += 1) {
        try {
          const alert = await withDeadlockRetry(() => publishStep(actor, id, within));
          logger.info({ alertId: alert.id, revision: alert.revision, channels }, 'alert published');
          return alert;
        } catch (err) {
          // Another sender took the same mass-send quota slot at the same moment: count again.
          if (!(err instanceof UniqueConstraintError) || attempt >= 2) throw err;
        }
      }
    },

    /** The alert as it is, for staff, with its revisions and events. */
    async get(actor: ArticleActor, id: number) {
      const row = await repo.byId(id);
      if (!row) throw notFound();
      const alert = toAlert(row);
      can(actor, 'article.read', alert);
      return { alert, revisions: await repo.revisions(id), events: await repo.events(id) };
    },

    /**
     * `alert` as the publisher rights judge it (with `writers`): for one alert's buttons
     * (`alertActions`), so that they offer what the actions above allow.
     */
    publisherFacts: (alert: Alert) => withWriters(alert),

    /** Every alert (optionally in one state), for staff. */
    async list(actor: ArticleActor, opts: { state?: ArticleState | undefined; limit: number }): Promise<Alert[]> {
      can(actor, 'article.read', undefined);
      return repo.listAll(opts);
    },

    /** Refuses anyone without the alert rights (editors and the admin): the candidates list uses it. */
    assertReader(actor: ArticleActor): void {
      can(actor, 'article.read', undefined);
    },

    /**
     * Pausing, resuming or cancelling the push of `alert`: whoever may take the alert down (any
     * editor, the admin), since stopping a message that is going out must not wait for a publisher.
     */
    assertCanSteerPush(actor: ArticleActor, alert: Alert): void {
      can(actor, 'article.unpublish', alert);
    },

    /** Whether `actor` may pause, resume or cancel the push of `alert` (assertCanSteerPush without the refusal). */
    maySteerPush(actor: ArticleActor, alert: Alert): boolean {
      return canArticle(actor, 'article.unpublish', alert, options);
    },

    /** Refuses anyone who may not write alerts (the compose form uses it). */
    assertWriter(actor: ArticleActor): void {
      can(actor, 'article.write', undefined);
    },

    /** Whether `actor` may write new alerts. */
    mayWrite(actor: ArticleActor): boolean {
      return canArticle(actor, 'article.write', undefined, options);
    },
  };
}

export type AlertService = ReturnType<typeof createAlertService>;
