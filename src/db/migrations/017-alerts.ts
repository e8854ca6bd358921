// Anti-fraud alerts (预警): the current text of each alert with its publishing state, every saved
// revision, and who did what when; the same life as an article (src/articles/rules.ts). `counties`
// is a JSON array of county division codes in text, `[]` for all of Sanming (eleven counties at
// most: the county filter is a LIKE on the quoted code). `valid_until` is the instant the alert
// stops being current; the public list and the chat order by it.
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';
import { tableOptions, utcDate } from './helpers.js';

const str = (n: number, allowNull = true) => ({ type: DataTypes.STRING(n), allowNull });

export const alertsMigration: Migration = {
  name: '017-alerts',
  async up(ctx) {
    const qi = ctx.queryInterface;
    const opts = tableOptions(ctx);
    const body = { type: ctx.db.dialect === 'mysql' ? DataTypes.TEXT('medium') : DataTypes.TEXT, allowNull: false };
    // The text fields a revision keeps, in both tables.
    const content = () => ({
      title: str(200, false),
      summary: str(300, false),
      fraud_type: str(32, false),
      severity: str(16, false),
      counties: { type: DataTypes.TEXT, allowNull: false },
      body,
      valid_until: utcDate(false),
      author: str(100, false),
      content_hash: str(64, false),
    });
    await qi.createTable('alerts', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      ...content(),
      state: str(16, false),
      revision: { type: DataTypes.INTEGER, allowNull: false },
      published_at: utcDate(true),
      created_by: { type: DataTypes.INTEGER, allowNull: true },
      updated_by: { type: DataTypes.INTEGER, allowNull: true },
      created_at: utcDate(false),
      updated_at: utcDate(false),
    }, opts);
    // The public list and the chat: published alerts by how long they stay current.
    await qi.addIndex('alerts', ['state', 'valid_until'], { name: 'alerts_state_valid_until' });
    await qi.addIndex('alerts', ['updated_at'], { name: 'alerts_updated_at' });

    await qi.createTable('alert_revisions', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      alert_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'alerts', key: 'id' } },
      revision: { type: DataTypes.INTEGER, allowNull: false },
      ...content(),
      created_by: { type: DataTypes.INTEGER, allowNull: true },
      created_at: utcDate(false),
    }, opts);
    await qi.addIndex('alert_revisions', ['alert_id', 'revision'], { name: 'alert_revisions_number', unique: true });

    await qi.createTable('alert_events', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      alert_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'alerts', key: 'id' } },
      type: str(24, false),
      actor_id: { type: DataTypes.INTEGER, allowNull: true },
      from_state: str(16),
      to_state: str(16),
      revision: { type: DataTypes.INTEGER, allowNull: true },
      data: { type: DataTypes.TEXT, allowNull: true },
      created_at: utcDate(false),
    }, opts);
    await qi.addIndex('alert_events', ['alert_id', 'id'], { name: 'alert_events_alert' });
  },
  async down(ctx) {
    const qi = ctx.queryInterface;
    await qi.dropTable('alert_events');
    await qi.dropTable('alert_revisions');
    await qi.dropTable('alerts');
  },
};
