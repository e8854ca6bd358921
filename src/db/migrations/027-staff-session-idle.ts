// `staff_sessions.last_seen_at`: when the member last did something in the console or the API
// with this session (to the minute), so a session left alone for `staff.idleMinutes` ends. Empty
// for sessions made before: their `created_at` counts.
import type { Migration } from '../migrate.js';
import { utcDate } from './helpers.js';

export const staffSessionIdleMigration: Migration = {
  name: '027-staff-session-idle',
  async up(ctx) {
    await ctx.queryInterface.addColumn('staff_sessions', 'last_seen_at', utcDate(true));
  },
  async down(ctx) {
    await ctx.queryInterface.removeColumn('staff_sessions', 'last_seen_at');
  },
};
