// The bot's FollowerRegistry port over the followers table: subscribe and unsubscribe events,
// the last-interaction time of every message, and the county once learned. Every write is one
// statement keyed by the unique openid; nothing is held in process, so any instance may take any
// event. Event times are the message's CreateTime, so a delayed retry of an older event never
// undoes a newer one.
import type { CitizenRef } from '../../bot/types.js';
import type { FollowerRegistry } from '../../bot/ports.js';
import type { Database } from '../../db/index.js';
import type { SharedStore } from '../../platform/shared-store.js';
import type { CountySource } from './models.js';
import { sqlOf } from '../../db/sql.js';

export interface RegistryDeps {
  db: Database;
  /** The county codes a follower may have (content/sanming-divisions.json). */
  countyCodes: ReadonlySet<string>;
  /**
   * Shared by every instance: a mark per follower that their interaction time was written less
   * than a minute ago, so a burst of messages costs one write. Without it every message writes.
   */
  store?: SharedStore;
  /** A keyed hash of the openid for the store's key: the store never holds an openid. */
  hashId: (openid: string) => string;
}

/**
 * The interaction time is written at most this often per follower. The stored time is never later
 * than the real one, so the 48-hour window can only be judged closed up to a minute early
 * (the message skipped as outside the window), never open when it is not.
 */
export const TOUCH_EVERY_SECONDS = 60;

/** A source's strength: a county is replaced only by one learned at least as strongly. */
const RANK: Readonly<Record<CountySource, number>> = { location: 1, tip: 2, asked: 3 };

export function createFollowerRegistry(deps: RegistryDeps): FollowerRegistry {
  const sql = sqlOf(deps.db);
  const mysql = deps.db.dialect === 'mysql';
  const d = (at: Date) => sql.date(at);
  const write = (text: string, values: unknown[]) => sql.write(text, values);
  const insertIgnore = sql.insertIgnore;
  const of = (c: CitizenRef) => c.id;

  // One statement per message: insert the follower (a message proves they follow) or move the
  // time forward, never back. A message newer than the stored unsubscribe proves they follow again
  // (their subscribe event was lost, or the import judged them gone): subscribed, from the
  // message's time, as a subscribe event would; they carry no tags, so a known county is tagged again.
  // MariaDB applies the assignments left to right, each seeing the ones before: `back` reads
  // `subscribed` and `unsubscribed_at`, so it holds until `subscribed` is set, which comes last of
  // the columns it guards.
  const later = (v: string) => `(last_interaction_at IS NULL OR last_interaction_at < ${v})`;
  const back = (v: string) => `(subscribed = 0 AND (unsubscribed_at IS NULL OR unsubscribed_at < ${v}))`;
  const myLater = later('VALUES(last_interaction_at)');
  const myBack = back('VALUES(last_interaction_at)');
  const liteLater = later('excluded.last_interaction_at');
  const liteBack = back('excluded.last_interaction_at');
  const touchSql = mysql
    ? `INSERT INTO followers (openid, subscribed, last_interaction_at, tag_pending, created_at, updated_at) VALUES (?, 1, ?, 0, ?, ?)
       ON DUPLICATE KEY UPDATE
         updated_at = IF(${myLater} OR ${myBack}, VALUES(updated_at), updated_at),
         tag_pending = IF(${myBack}, county_code IS NOT NULL, tag_pending),
         tag_county_code = IF(${myBack}, NULL, tag_county_code),
         subscribed_at = IF(${myBack}, VALUES(last_interaction_at), subscribed_at),
         unsubscribed_at = IF(${myBack}, NULL, unsubscribed_at),
         subscribed = IF(${myBack}, 1, subscribed),
         last_interaction_at = IF(${myLater}, VALUES(last_interaction_at), last_interaction_at)`
    : `INSERT INTO followers (openid, subscribed, last_interaction_at, tag_pending, created_at, updated_at) VALUES (?, 1, ?, 0, ?, ?)
       ON CONFLICT(openid) DO UPDATE SET
         updated_at = excluded.updated_at,
         tag_pending = CASE WHEN ${liteBack} THEN (CASE WHEN county_code IS NULL THEN 0 ELSE 1 END) ELSE tag_pending END,
         tag_county_code = CASE WHEN ${liteBack} THEN NULL ELSE tag_county_code END,
         subscribed_at = CASE WHEN ${liteBack} THEN excluded.last_interaction_at ELSE subscribed_at END,
         unsubscribed_at = CASE WHEN ${liteBack} THEN NULL ELSE unsubscribed_at END,
         subscribed = CASE WHEN ${liteBack} THEN 1 ELSE subscribed END,
         last_interaction_at = CASE WHEN ${liteLater} THEN excluded.last_interaction_at ELSE last_interaction_at END
       WHERE ${liteLater} OR ${liteBack}`;

  return {
    async subscribed(citizen, at) {
      const now = d(new Date());
      // A (re)subscribed follower carries no tag on WeChat: the sync tags them again if they have a county.
      const changed = await write(
        `UPDATE followers SET subscribed = 1, subscribed_at = ?, unsubscribed_at = NULL, tag_county_code = NULL,
           tag_pending = CASE WHEN county_code IS NULL THEN 0 ELSE 1 END,
           last_interaction_at = CASE WHEN last_interaction_at IS NULL OR last_interaction_at < ? THEN ? ELSE last_interaction_at END,
           updated_at = ?
         WHERE openid = ? AND (unsubscribed_at IS NULL OR unsubscribed_at <= ?)`,
        [d(at), d(at), d(at), now, of(citizen), d(at)],
      );
      if (changed > 0) return;
      await write(
        `${insertIgnore} followers (openid, subscribed, subscribed_at, last_interaction_at, tag_pending, created_at, updated_at) VALUES (?, 1, ?, ?, 0, ?, ?)`,
        [of(citizen), d(at), d(at), now, now],
      );
    },

    async unsubscribed(citizen, at) {
      const now = d(new Date());
      // The once-a-minute mark goes: their next message is written, so it can prove they came back.
      await deps.store?.delete(`follower-touched:${deps.hashId(of(citizen))}`).catch(() => undefined);
      // WeChat drops an unfollower's tags: nothing is left to untag, and nothing is tagged while away.
      const changed = await write(
        `UPDATE followers SET subscribed = 0, unsubscribed_at = ?, tag_county_code = NULL, tag_pending = 0, updated_at = ?
         WHERE openid = ? AND (subscribed_at IS NULL OR subscribed_at <= ?)`,
        [d(at), now, of(citizen), d(at)],
      );
      if (changed > 0) return;
      await write(
        `${insertIgnore} followers (openid, subscribed, unsubscribed_at, tag_pending, created_at, updated_at) VALUES (?, 0, ?, 0, ?, ?)`,
        [of(citizen), d(at), now, now],
      );
    },

    async touched(citizen, at) {
      const key = `follower-touched:${deps.hashId(of(citizen))}`;
      if (deps.store && !(await deps.store.add(key, '1', TOUCH_EVERY_SECONDS))) return;
      try {
        await write(touchSql, [of(citizen), d(at), d(new Date()), d(new Date())]);
      } catch (err) {
        // Not written: the next message tries again.
        await deps.store?.delete(key).catch(() => undefined);
        throw err;
      }
    },

    async countyLearned(citizen, countyCode, source, at) {
      if (!deps.countyCodes.has(countyCode)) return false;
      const changed = await write(
        `UPDATE followers SET county_code = ?, county_source = ?, county_at = ?,
           tag_pending = CASE WHEN subscribed = 1 AND (tag_county_code IS NULL OR tag_county_code <> ?) THEN 1 ELSE 0 END,
           updated_at = ?
         WHERE openid = ? AND county_declined_at IS NULL
           AND (CASE county_source WHEN 'asked' THEN 3 WHEN 'tip' THEN 2 WHEN 'location' THEN 1 ELSE 0 END) <= ?`,
        [countyCode, source, d(at), countyCode, d(new Date()), of(citizen), RANK[source]],
      );
      return changed > 0;
    },

    async askCountyOnce(citizen, at) {
      const changed = await write(
        `UPDATE followers SET county_asked_at = ?, updated_at = ?
         WHERE openid = ? AND subscribed = 1 AND county_code IS NULL AND county_asked_at IS NULL AND county_declined_at IS NULL`,
        [d(at), d(new Date()), of(citizen)],
      );
      return changed > 0;
    },

    async countyDeclined(citizen, at) {
      await write('UPDATE followers SET county_declined_at = ?, updated_at = ? WHERE openid = ?', [d(at), d(new Date()), of(citizen)]);
    },
  };
}
