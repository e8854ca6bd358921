// The event log is evidence (信访工作条例 Art 46: leaks and retaliation are punished, so who saw
// what must hold up). The code never updates or deletes events; these triggers make the
// database refuse it too, so a stray script or a future bug cannot rewrite history.
import type { Database } from '../index.js';
import type { Migration } from '../migrate.js';

/** The guard triggers; also re-created by the one sanctioned rewrite of events (tips/reseal.ts). */
export async function createEventGuards(db: Database): Promise<void> {
  const q = (sql: string) => db.sequelize.query(sql);
  if (db.dialect === 'sqlite') {
    await q(`CREATE TRIGGER tip_events_no_update BEFORE UPDATE ON tip_events
             BEGIN SELECT RAISE(ABORT, 'tip_events is append-only'); END`);
    await q(`CREATE TRIGGER tip_events_no_delete BEFORE DELETE ON tip_events
             BEGIN SELECT RAISE(ABORT, 'tip_events is append-only'); END`);
  } else {
    await q(`CREATE TRIGGER tip_events_no_update BEFORE UPDATE ON tip_events FOR EACH ROW
             SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'tip_events is append-only'`);
    await q(`CREATE TRIGGER tip_events_no_delete BEFORE DELETE ON tip_events FOR EACH ROW
             SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'tip_events is append-only'`);
  }
}

export async function dropEventGuards(db: Database): Promise<void> {
  await db.sequelize.query('DROP TRIGGER IF EXISTS tip_events_no_update');
  await db.sequelize.query('DROP TRIGGER IF EXISTS tip_events_no_delete');
}

export const tipEventsAppendOnlyMigration: Migration = {
  name: '004-tip-events-append-only',
  up: (ctx) => createEventGuards(ctx.db),
  down: (ctx) => dropEventGuards(ctx.db),
};
