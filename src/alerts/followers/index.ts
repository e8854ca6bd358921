// The followers module: who follows the official account, when they last wrote, and their county
// (the bot's FollowerRegistry port), the county tags on WeChat kept in step by a sync job, and the
// import of WeChat's own list of followers. Built once by compose.ts; the web server runs
// `syncTags` every minute and `importFollowers` at start and every alerts.followerImportHours.
import type { CitizenCounty, FollowerRegistry } from '../../bot/ports.js';
import type { Database } from '../../db/index.js';
import type { Logger } from '../../platform/logger.js';
import type { SharedStore } from '../../platform/shared-store.js';
import { loadCounties, type SanmingCounty } from './counties.js';
import { defineFollowerModels, type FollowerModels } from './models.js';
import { createFollowerImport, type FollowerImport, type FollowerImportReport, type ImportClient } from './import.js';
import { createFollowerRegistry } from './registry.js';
import { errorFields } from '../../platform/logger.js';
import { createTagSync, type TagClient, type TagSync, type TagSyncReport } from './tags.js';

export interface FollowersModuleDeps {
  db: Database;
  logger: Logger;
  client: TagClient & ImportClient;
  /** The shared store: the once-a-minute interaction mark, one tag sync and one import at a time. */
  store?: SharedStore;
  /** A keyed hash of an openid, for the store's keys. */
  hashId: (openid: string) => string;
  counties?: readonly SanmingCounty[];
  now?: () => Date;
}

export interface FollowersModule {
  registry: FollowerRegistry;
  /** The bot's CitizenCounty port: a follower's county (the alerts of 「反诈」 list theirs first). */
  citizenCounty: CitizenCounty;
  models: FollowerModels;
  counties: readonly SanmingCounty[];
  tags: TagSync;
  /** One run of the county-tag sync (null: another instance is running it). */
  syncTags(): Promise<TagSyncReport | null>;
  import: FollowerImport;
  /** One import of WeChat's list of followers (null: another instance is running it). */
  importFollowers(): Promise<FollowerImportReport | null>;
  /** Stops an import going at its next page and waits for it. */
  close(): Promise<void>;
}

export function createFollowersModule(deps: FollowersModuleDeps): FollowersModule {
  const counties = deps.counties ?? loadCounties();
  const logger = deps.logger.child({ module: 'followers' });
  const models = defineFollowerModels(deps.db.sequelize);
  const registry = createFollowerRegistry({
    db: deps.db, countyCodes: new Set(counties.map((c) => c.code)), hashId: deps.hashId, ...(deps.store ? { store: deps.store } : {}),
  });
  const tags = createTagSync({
    db: deps.db, models, client: deps.client, counties, logger,
    ...(deps.store ? { store: deps.store } : {}), ...(deps.now ? { now: deps.now } : {}),
  });
  const followerImport = createFollowerImport({
    db: deps.db, models, client: deps.client, logger,
    ...(deps.store ? { store: deps.store } : {}), ...(deps.now ? { clock: deps.now } : {}),
  });
  const citizenCounty: CitizenCounty = {
    async countyOf(citizen) {
      if (citizen.channel !== 'official_account') return undefined;
      try {
        const row = await models.Follower.findOne({ attributes: ['countyCode'], where: { openid: citizen.id } });
        return row?.countyCode ?? undefined;
      } catch (err) {
        // Unknown county: every current alert is listed. Logged without the error, which names the openid.
        logger.warn(errorFields(err), 'county of a follower could not be read');
        return undefined;
      }
    },
  };
  return {
    registry, citizenCounty, models, counties, tags, syncTags: () => tags.sync(),
    import: followerImport, importFollowers: () => followerImport.run(), close: () => followerImport.close(),
  };
}

export type { FollowerImportReport, SanmingCounty, TagSyncReport };
export { countyTagName, loadCounties } from './counties.js';
export { TAG_BATCH } from './tags.js';
