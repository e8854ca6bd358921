// The closed sets of anti-fraud alerts and the shapes the module works on. An alert lives the
// life of an article (states, rights and events of src/articles/rules.ts); only its content and
// its refusal codes (ALERT_*) are its own.
import type { RuleSubject } from '../articles/rules.js';
import type { ArticleEvent, ArticleState } from '../articles/types.js';
import type { FraudTypeKey } from './fraud/index.js';

export const ALERT_SEVERITIES = ['info', 'warning', 'severe'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const SEVERITY_LABELS: Readonly<Record<AlertSeverity, string>> = { info: '一般', warning: '较重', severe: '严重' };

/** Lower first: the more serious alert is listed before the lesser one of the same standing. */
export const SEVERITY_RANK: Readonly<Record<AlertSeverity, number>> = { severe: 0, warning: 1, info: 2 };

/** What the article rules call an alert in their refusals: ALERT_BAD_STATE, ALERT_NEEDS_PUBLISHER. */
export const ALERT_SUBJECT: RuleSubject = { code: 'ALERT', noun: '预警' };

/** The actions of the article state machine an alert has (no scheduled publishing). */
export const ALERT_ACTIONS = ['submit', 'publish', 'unpublish', 'edit'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

/** What an alert's event log records. */
export const ALERT_EVENT_TYPES = ['created', 'edited', 'submitted', 'published', 'unpublished'] as const;
export type AlertEventType = (typeof ALERT_EVENT_TYPES)[number];

/** The words of an alert that a revision keeps and the content hash covers. */
export interface AlertContent {
  title: string;
  /** One line for the chat and the list. */
  summary: string;
  fraudType: FraudTypeKey;
  severity: AlertSeverity;
  /** County division codes the alert concerns, in the divisions' order; empty: all of Sanming. */
  counties: string[];
  /** Markdown, rendered by the articles renderer. */
  body: string;
  /** The alert is current until this instant (exclusive). */
  validUntil: Date;
  /** Who issues it, as citizens read it (三明市公安局反诈中心). */
  author: string;
}

export interface Alert extends AlertContent {
  id: number;
  state: ArticleState;
  /** The number of the latest revision. */
  revision: number;
  contentHash: string;
  publishedAt: Date | null;
  /** The staff member who wrote it: the author in the publishing rules. */
  createdBy: number | null;
  updatedBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AlertRevision extends AlertContent {
  revision: number;
  contentHash: string;
  createdBy: number | null;
  createdAt: Date;
}

/** An alert's event log reads as an article's. */
export type AlertEvent = ArticleEvent;

/** A county of Sanming by its division code (content/sanming-divisions.json). */
export interface CountyName {
  code: string;
  name: string;
}

/** Whether the alert is still current at `now`. */
export const isCurrent = (a: { validUntil: Date }, now: Date): boolean => a.validUntil.getTime() > now.getTime();
