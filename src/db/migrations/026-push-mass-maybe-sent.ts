// Alert mass sends tried before a lost answer was recorded as "may have gone out" (`sent_at` set,
// state not `sent`: src/alerts/push/rules.ts `massMaybeSent`). Such a row was tried again, or
// cancelled with its quota slot given back, and a new push could then send its target again under
// a fresh clientmsgid: the same alert twice to a county. From what an old row holds, a lost answer
// cannot be told from WeChat's own "busy", so every tried row is marked as having perhaps gone out,
// except one whose single attempt WeChat answered with a refusal (nothing was sent) or that found
// the day's quota spent before sending. `sent_at` becomes its job's start, no later than its first
// attempt, so WeChat's 24-hour duplicate check is counted from no later than it really began. A
// row still queued is then sent again only under its own clientmsgid, within that window; a
// failed or cancelled one ends `failed` `unknown_after_error`, which no later push sends again.
// `down` leaves the marks: forgetting them could send an alert twice.
import { QueryTypes } from 'sequelize';
import type { Migration } from '../migrate.js';

const CHUNK = 500;

export const pushMassMaybeSentMigration: Migration = {
  name: '026-push-mass-maybe-sent',
  async up(ctx) {
    const { sequelize } = ctx.db;
    await sequelize.transaction(async (transaction) => {
      // Tried, not known to be sent, and not surely unsent.
      const rows = await sequelize.query<{ id: number }>(
        `SELECT id FROM alert_push_mass
         WHERE sent_at IS NULL AND state IN ('queued', 'failed', 'skipped') AND attempts > 0
           AND NOT (attempts = 1 AND state IN ('failed', 'skipped') AND errcode IS NOT NULL AND errcode <> -1)
           AND NOT (attempts = 1 AND reason = 'quota_spent')`,
        { type: QueryTypes.SELECT, transaction },
      );
      const ids = rows.map((r) => Number(r.id));
      for (let i = 0; i < ids.length; i += CHUNK) {
        const replacements = [ids.slice(i, i + CHUNK)];
        await sequelize.query(
          `UPDATE alert_push_mass SET sent_at = (
             SELECT COALESCE(j.started_at, j.created_at) FROM alert_push_jobs j WHERE j.id = alert_push_mass.job_id
           ) WHERE id IN (?)`,
          { replacements, transaction },
        );
        await sequelize.query(
          `UPDATE alert_push_mass SET state = 'failed', reason = 'unknown_after_error' WHERE id IN (?) AND state <> 'queued'`,
          { replacements, transaction },
        );
      }
    });
  },
  async down() {},
};
