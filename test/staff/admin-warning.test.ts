// Outside development the first start creates no admin by itself: without ADMIN_PASSWORD and
// without an active admin account the console has no way in, and the start says so.
import { expect } from 'chai';
import type { DestinationStream } from 'pino';
import { loadConfig, type ConfigOverrides } from '../../src/config/index.js';
import { migrateUp } from '../../src/db/migrate.js';
import { createLogger } from '../../src/platform/logger.js';
import { MemoryStore } from '../../src/platform/shared-store.js';
import { createStaff } from '../../src/staff/accounts.js';
import { createStaffModule } from '../../src/staff/index.js';
import { freshDatabasePerTest } from '../support/database.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream: DestinationStream = { write: (l: string) => { lines.push(JSON.parse(l) as Record<string, unknown>); } };
  return { logger: createLogger('info', stream), lines };
}

describe('staff: start-up without a way in', () => {
  const fresh = freshDatabasePerTest();

  async function seed(overrides: ConfigOverrides, before?: (staff: ReturnType<typeof createStaffModule>) => Promise<void>) {
    await migrateUp(fresh.db);
    const config = await loadConfig(overrides);
    const { logger, lines } = capture();
    const staff = createStaffModule({ config, logger, db: fresh.db, state: new MemoryStore() });
    await before?.(staff);
    await staff.seed();
    return lines.filter((l) => l.level === 40 && /no active admin/.test(String(l.msg)));
  }

  it('warns in production with no admin account and no ADMIN_PASSWORD', async () => {
    const warnings = await seed({ env: 'production', staff: { adminPassword: '' } });
    expect(warnings).to.have.length(1);
    expect(warnings[0]!.msg).to.contain('ADMIN_PASSWORD');
  });

  it('does not warn when ADMIN_PASSWORD creates the admin', async () => {
    expect(await seed({ env: 'production', staff: { adminPassword: 'a-long-enough-password' } })).to.deep.equal([]);
  });

  it('does not warn when another active admin account exists', async () => {
    const warnings = await seed({ env: 'production', staff: { adminPassword: '' } }, async (staff) => {
      await createStaff(fresh.db, staff.models, { username: 'wang', password: 'a-long-enough-password', role: 'admin', displayName: '王' });
    });
    expect(warnings).to.deep.equal([]);
  });
});
