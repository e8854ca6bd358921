// County tags on WeChat: each county is a user tag named 「三明-<county>」, and every subscribed
// follower with a county carries that county's tag, so a mass send can go to one county. The sync
// (run every minute by the server, and by tests directly) creates missing tags, remembering each
// tag id in follower_county_tags, then walks the followers marked `tag_pending`: a follower whose
// county changed is untagged from the old county first, then tagged with the new one, at most 50
// openids a call as WeChat allows. Every step is saved as WeChat accepts it, so a failure (or a
// restart) leaves exactly the rows still to do for the next run; tagging twice is harmless on
// WeChat's side, so two instances running at once cost calls, not correctness.
import { Op, UniqueConstraintError } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { Logger } from '../../platform/logger.js';
import type { SharedStore } from '../../platform/shared-store.js';
import { WechatApiError, type WechatClient } from '../../wechat/index.js';
import { countyTagName, type SanmingCounty } from './counties.js';
import type { FollowerModels } from './models.js';
import { oneRunAtATime } from './one-run.js';
import { sqlOf } from '../../db/sql.js';

export type TagClient = Pick<WechatClient, 'tagsCreate' | 'tagsGet' | 'tagsMembersBatchTagging' | 'tagsMembersBatchUntagging'>;

export interface TagSyncDeps {
  db: Database;
  models: FollowerModels;
  client: TagClient;
  counties: readonly SanmingCounty[];
  logger: Logger;
  /** With it, one instance syncs at a time (the others skip that minute). */
  store?: SharedStore;
  now?: () => Date;
  /** Followers looked at per run at most (default 5000): a run stays short, the next goes on. */
  maxPerRun?: number;
}

export interface TagSyncReport {
  /** Tags created on WeChat in this run. */
  created: string[];
  tagged: number;
  untagged: number;
  /** Calls to batchtagging / batchuntagging. */
  calls: number;
  /** Followers WeChat refused one by one (bad openid, too many tags): not retried until their county changes. */
  refused: number;
  /** The run stopped at a WeChat error; what is left is done next time. */
  stoppedAt: { errcode: number } | null;
}

/** WeChat's limit of openids per tag call. */
export const TAG_BATCH = 50;
const PAGE = 500;
/** Errors about one follower in the list, not the call: the batch is split to find them. */
const PER_FOLLOWER = new Set([40003, 45059]);
/** tags/create: the name exists already (made by an earlier run whose answer was lost). */
const TAG_NAME_EXISTS = 45157;
const LOCK_KEY = 'alerts:tag-sync';
const LOCK_SECONDS = 300;

interface PendingRow { id: number; openid: string; county_code: string | null; tag_county_code: string | null }

class StopSync extends Error {
  constructor(readonly errcode: number) {
    super(`tag sync stopped at errcode ${errcode}`);
  }
}

export function createTagSync(deps: TagSyncDeps) {
  const { models, client } = deps;
  const sql = sqlOf(deps.db);
  const logger = deps.logger.child({ component: 'tag-sync' });
  const clock = deps.now ?? (() => new Date());
  const byCode = new Map(deps.counties.map((c) => [c.code, c]));

  /** The county's tag id, creating the tag on WeChat (and remembering it) when there is none. */
  async function ensureTag(countyCode: string, report?: TagSyncReport): Promise<number> {
    const known = await models.CountyTag.findByPk(countyCode);
    if (known) return known.tagId;
    const county = byCode.get(countyCode);
    if (!county) throw new Error(`unknown county ${countyCode}`);
    const name = countyTagName(county);
    let id: number;
    try {
      id = (await client.tagsCreate(name)).id;
      report?.created.push(name);
    } catch (err) {
      if (!(err instanceof WechatApiError) || err.errcode !== TAG_NAME_EXISTS) throw err;
      const found = (await client.tagsGet()).find((t) => t.name === name);
      if (!found) throw err;
      id = found.id;
    }
    try {
      await models.CountyTag.create({ countyCode, tagId: id, tagName: name, createdAt: clock() });
    } catch (err) {
      // Another instance remembered it first: the same tag (names are unique on WeChat).
      if (!(err instanceof UniqueConstraintError)) throw err;
    }
    return id;
  }

  async function tagIds(): Promise<Map<string, number>> {
    const rows = await models.CountyTag.findAll();
    return new Map(rows.map((r) => [r.countyCode, r.tagId]));
  }

  /** Calls WeChat for up to 50 openids; a per-follower refusal splits the batch to find who. */
  async function call(
    op: 'tag' | 'untag', tagId: number, rows: PendingRow[], report: TagSyncReport,
  ): Promise<{ done: PendingRow[]; refused: Array<{ row: PendingRow; errcode: number }> }> {
    const run = op === 'tag' ? client.tagsMembersBatchTagging.bind(client) : client.tagsMembersBatchUntagging.bind(client);
    try {
      report.calls += 1;
      await run(tagId, rows.map((r) => r.openid));
      return { done: rows, refused: [] };
    } catch (err) {
      const errcode = err instanceof WechatApiError ? err.errcode : -1;
      if (!PER_FOLLOWER.has(errcode)) throw new StopSync(errcode);
      if (rows.length === 1) return { done: [], refused: [{ row: rows[0]!, errcode }] };
      const half = Math.ceil(rows.length / 2);
      const a = await call(op, tagId, rows.slice(0, half), report);
      const b = await call(op, tagId, rows.slice(half), report);
      return { done: [...a.done, ...b.done], refused: [...a.refused, ...b.refused] };
    }
  }

  const ids = (rows: readonly PendingRow[]) => rows.map((r) => r.id);

  /** Saves what WeChat accepted: an untag leaves the follower pending for their new tag. */
  async function untagged(rows: PendingRow[]): Promise<void> {
    if (rows.length === 0) return;
    await sql.write(`UPDATE followers SET tag_county_code = NULL, updated_at = ? WHERE id IN (${sql.list(rows.length)})`, [sql.date(clock()), ...ids(rows)]);
  }

  /** Saves a tagging; a follower whose county changed meanwhile stays pending for the next run. */
  async function tagged(countyCode: string, rows: PendingRow[]): Promise<void> {
    if (rows.length === 0) return;
    const now = sql.date(clock());
    await sql.write(
      `UPDATE followers SET tag_county_code = ?, tag_synced_at = ?, tag_error = NULL, updated_at = ?,
         tag_pending = CASE WHEN county_code = ? AND subscribed = 1 THEN 0 ELSE 1 END
       WHERE id IN (${sql.list(rows.length)})`,
      [countyCode, now, now, countyCode, ...ids(rows)],
    );
  }

  async function refused(list: Array<{ row: PendingRow; errcode: number }>, report: TagSyncReport): Promise<void> {
    for (const { row, errcode } of list) {
      report.refused += 1;
      await sql.write('UPDATE followers SET tag_pending = 0, tag_error = ?, updated_at = ? WHERE id = ?', [`wechat ${errcode}`, sql.date(clock()), row.id]);
    }
  }

  /** Groups rows by a key, in batches of at most 50. */
  function batches(rows: PendingRow[], key: (r: PendingRow) => string | null): Array<[string, PendingRow[]]> {
    const groups = new Map<string, PendingRow[]>();
    for (const r of rows) {
      const k = key(r);
      if (k === null) continue;
      const list = groups.get(k) ?? [];
      list.push(r);
      groups.set(k, list);
    }
    const out: Array<[string, PendingRow[]]> = [];
    for (const [k, list] of groups) for (let i = 0; i < list.length; i += TAG_BATCH) out.push([k, list.slice(i, i + TAG_BATCH)]);
    return out;
  }

  async function runOnce(): Promise<TagSyncReport> {
    const report: TagSyncReport = { created: [], tagged: 0, untagged: 0, calls: 0, refused: 0, stoppedAt: null };
    const maxPerRun = deps.maxPerRun ?? 5000;
    try {
      // Tags of the counties that have pending followers; each is created once, ever.
      const tags = await tagIds();
      const wanted = await models.Follower.findAll({
        attributes: ['countyCode'], group: ['countyCode'], raw: true,
        where: { tagPending: true, subscribed: true, countyCode: { [Op.ne]: null } },
      });
      for (const { countyCode } of wanted) {
        if (countyCode === null || tags.has(countyCode) || !byCode.has(countyCode)) continue;
        try {
          tags.set(countyCode, await ensureTag(countyCode, report));
        } catch (err) {
          throw new StopSync(err instanceof WechatApiError ? err.errcode : -1);
        }
      }
      const tagIdOf = (code: string | null) => (code === null ? undefined : tags.get(code));

      let after = 0;
      let seen = 0;
      while (seen < maxPerRun) {
        const rows = await sql.rows<PendingRow>(
          `SELECT id, openid, county_code, tag_county_code FROM followers
           WHERE tag_pending = 1 AND subscribed = 1 AND id > ? ORDER BY id LIMIT ?`,
          [after, Math.min(PAGE, maxPerRun - seen)],
        );
        if (rows.length === 0) break;
        after = rows[rows.length - 1]!.id;
        seen += rows.length;
        // The old county's tag first: a follower carries at most 20 tags, and one county at a time.
        const moving = rows.filter((r) => r.tag_county_code !== null && r.tag_county_code !== r.county_code);
        for (const [old, group] of batches(moving, (r) => r.tag_county_code)) {
          const tagId = tagIdOf(old);
          if (tagId === undefined) {
            await untagged(group);
            continue;
          }
          const { done, refused: no } = await call('untag', tagId, group, report);
          await untagged(done);
          // Refused by WeChat for this follower: they cannot carry the old tag, so none is left to remove.
          await untagged(no.map((x) => x.row));
          report.untagged += done.length;
        }
        const toTag = rows.filter((r) => r.county_code !== null && r.county_code !== r.tag_county_code && tagIdOf(r.county_code) !== undefined);
        for (const [county, group] of batches(toTag, (r) => r.county_code)) {
          const { done, refused: no } = await call('tag', tagIdOf(county)!, group, report);
          await tagged(county, done);
          await refused(no, report);
          report.tagged += done.length;
        }
        // Pending with nothing to do (no county any more, or already right): settled.
        const settled = rows.filter((r) => r.county_code === null || r.county_code === r.tag_county_code);
        if (settled.length) {
          await sql.write(`UPDATE followers SET tag_pending = 0, updated_at = ? WHERE tag_pending = 1 AND id IN (${sql.list(settled.length)})
            AND (county_code IS NULL OR county_code = tag_county_code)`, [sql.date(clock()), ...ids(settled)]);
        }
      }
    } catch (err) {
      if (!(err instanceof StopSync)) throw err;
      report.stoppedAt = { errcode: err.errcode };
      logger.warn({ errcode: err.errcode, tagged: report.tagged, untagged: report.untagged }, 'tag sync stopped at a wechat error; the rest is retried next run');
    }
    if (report.tagged || report.untagged || report.created.length || report.refused) {
      logger.info({ created: report.created.length, tagged: report.tagged, untagged: report.untagged, calls: report.calls, refused: report.refused }, 'county tags synced');
    }
    return report;
  }

  return {
    ensureTag: (countyCode: string) => ensureTag(countyCode),
    tagIds,
    /**
     * One run of the sync; a run already going in this process is joined. With a shared store,
     * an instance that finds another's run going skips (null).
     */
    sync: oneRunAtATime({ store: deps.store, key: LOCK_KEY, ttlSeconds: LOCK_SECONDS }, runOnce),
  };
}

export type TagSync = ReturnType<typeof createTagSync>;
