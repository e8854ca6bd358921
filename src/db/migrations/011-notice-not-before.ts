// The answer's correction hold (tips.answerHoldMinutes, src/tips/notices.ts): a notice may wait
// until `not_before` before it is pushed or shown, and the tip records when its answer reaches
// the citizen (`answer_public_at`). `started_at` is when the handling unit started (开始办理), the
// date the citizen sees next to 办理中; rows that started before this migration take it from their
// latest `start` event.
import { DataTypes } from 'sequelize';
import type { Migration } from '../migrate.js';

export const noticeNotBeforeMigration: Migration = {
  name: '011-notice-not-before',
  async up(ctx) {
    const qi = ctx.queryInterface;
    await qi.addColumn('tip_notices', 'not_before', { type: DataTypes.DATE(3), allowNull: true });
    await qi.addColumn('tips', 'started_at', { type: DataTypes.DATE(3), allowNull: true });
    await qi.addColumn('tips', 'answer_public_at', { type: DataTypes.DATE(3), allowNull: true });
    // The sweep looks for held notices that have come due (few rows: only answers in their hold).
    await qi.addIndex('tip_notices', ['not_before'], { name: 'tip_notices_not_before' });
    await ctx.db.sequelize.query(
      `UPDATE tips SET started_at = (SELECT MAX(e.created_at) FROM tip_events e WHERE e.tip_id = tips.id AND e.type = 'start')
       WHERE state IN ('in_progress', 'extended', 'answered', 'closed', 'reopened')`,
    );
  },
  async down(ctx) {
    const qi = ctx.queryInterface;
    await qi.removeIndex('tip_notices', 'tip_notices_not_before');
    await qi.removeColumn('tips', 'answer_public_at');
    await qi.removeColumn('tips', 'started_at');
    await qi.removeColumn('tip_notices', 'not_before');
  },
};
