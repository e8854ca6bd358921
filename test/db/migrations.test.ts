import { expect } from 'chai';
import { createMigrator, migrateUp } from '../../src/db/migrate.js';
import { freshDatabasePerTest, usingMysql } from '../support/database.js';
import { createLogger } from '../../src/platform/logger.js';

describe(`migrations (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  const fresh = freshDatabasePerTest();

  const q = (sql: string) => fresh.db.sequelize.query(sql, { type: 'SELECT' }) as Promise<Array<Record<string, unknown>>>;

  it('logs each migration by its name (not caught by the redaction of people\'s names)', async () => {
    const lines: string[] = [];
    await migrateUp(fresh.db, createLogger('info', { write: (l: string) => { lines.push(l); } }));
    const migrated = lines.map((l) => JSON.parse(l) as { event?: string; migration?: string; name?: string }).filter((l) => l.event === 'migrated');
    expect(migrated.map((l) => l.migration)).to.include('001-units');
    expect(migrated.every((l) => l.name === undefined)).to.equal(true);
  });

  it('loads the units: city committee, departments, 11 counties and their townships', async () => {
    await migrateUp(fresh.db);
    const kinds = Object.fromEntries((await q('SELECT kind, COUNT(*) AS n FROM units GROUP BY kind')).map((r): [string, number] => [String(r.kind), Number(r.n)]));
    expect(kinds).to.deep.equal({ city: 1, department: 8, county: 11, township: 147 });
    const [discipline] = await q("SELECT name FROM units WHERE `key` = 'discipline'");
    expect(discipline!.name).to.equal('纪检监察机关');
  });

  it('makes tip_events append-only in the database itself', async () => {
    await migrateUp(fresh.db);
    const now = new Date();
    await fresh.db.sequelize.getQueryInterface().bulkInsert('tips', [{
      code: 'SM250101AAAAAA', submission_key: 'k', category: 'other', legal_type: 'appeal', description: 'd', transcript: '[]',
      attachments: '[]', channel: 'official_account', reporter_hash: 'h', reporter_sealed: 's', identity_key_id: 't1',
      anonymous: false, danger: false, colour: 'green', colour_rank: 2, computed_colour: 'green', state: 'received',
      acknowledge_by: now, assign_by: now, conclude_by: now, extension_days: 0, review_count: 0, delivery_state: 'not_assigned',
      created_at: now, updated_at: now,
    }]);
    const [tip] = await q('SELECT id FROM tips');
    await fresh.db.sequelize.getQueryInterface().bulkInsert('tip_events', [{ tip_id: tip!.id, type: 'received', actor_type: 'citizen', created_at: now }]);
    let updateErr: unknown;
    await fresh.db.sequelize.query("UPDATE tip_events SET type = 'forged'").catch((e: unknown) => { updateErr = e; });
    let deleteErr: unknown;
    await fresh.db.sequelize.query('DELETE FROM tip_events').catch((e: unknown) => { deleteErr = e; });
    // Sequelize wraps the driver error; the trigger's message is on the original.
    const message = (e: unknown) => String((e as { parent?: Error }).parent?.message ?? e);
    expect(message(updateErr)).to.include('append-only');
    expect(message(deleteErr)).to.include('append-only');
    expect((await q('SELECT type FROM tip_events')).map((r) => r.type)).to.deep.equal(['received']);
  });

  it('removes card and ID numbers that 「举报」 stored as scam accounts before they were refused, and nothing else', async () => {
    await createMigrator(fresh.db).up({ to: '024-tip-media' });
    const at = "'2026-12-01 08:00:00.000'";
    const rows: Array<[string, string]> = [
      ['account', '6222021234567890123'], ['account', '35040219800101123X'], ['account', '622202123456'],
      ['account', 'jd_kefu888'], ['account', '12345678901'], ['phone', '13905981234'], ['url', 'example.cn/pay'],
    ];
    for (const [i, [kind, identifier]] of rows.entries()) {
      await fresh.db.sequelize.query(`INSERT INTO scam_reports (kind, identifier, citizen_hash, created_at, updated_at) VALUES (?, ?, ?, ${at}, ${at})`, { replacements: [kind, identifier, `c${i}`] });
    }
    await fresh.db.sequelize.query(`INSERT INTO scam_identifiers (kind, identifier, state, decided_by, decided_at, citizens) VALUES ('account', '6222021234567890123', 'confirmed', 1, ${at}, 2), ('account', 'jd_kefu888', 'confirmed', 1, ${at}, 2)`);
    await migrateUp(fresh.db);
    const left = async (table: string) => (await q(`SELECT identifier FROM ${table} ORDER BY identifier`)).map((r) => String(r.identifier));
    expect(await left('scam_reports')).to.deep.equal(['12345678901', '13905981234', 'example.cn/pay', 'jd_kefu888']);
    expect(await left('scam_identifiers')).to.deep.equal(['jd_kefu888']);
  });

  it('migrates down and up again', async () => {
    await migrateUp(fresh.db);
    await createMigrator(fresh.db).down({ to: 0 });
    await migrateUp(fresh.db);
    expect(Number((await q('SELECT COUNT(*) AS n FROM units'))[0]!.n)).to.equal(167);
  });
});
