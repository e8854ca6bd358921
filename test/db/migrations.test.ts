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

  it('marks alert mass sends tried before a lost answer was recorded as perhaps gone out, and leaves those surely unsent', async () => {
    await createMigrator(fresh.db).up({ to: '025-scam-reports-cards' });
    const started = '2026-12-01 08:00:00.000';
    await fresh.db.sequelize.query(
      `INSERT INTO alert_push_jobs (alert_id, title, summary, url, channels, state, rate_per_second, next_slot_at, started_at, created_at, updated_at)
       VALUES (1, 't', 's', 'https://example.cn/a', 'mass', 'cancelled', 10, ?, ?, ?, ?)`,
      { replacements: [started, started, started, started] },
    );
    const [job] = await q('SELECT id FROM alert_push_jobs');
    // [target, state, attempts, errcode, reason, sent_at]
    const rows: Array<[string, string, number, number | null, string | null, string | null]> = [
      ['350402', 'skipped', 2, -1, 'cancelled', null], // busy or lost, then cancelled: slot given back
      ['350403', 'queued', 1, -1, 'wechat_busy', null], // to be tried again
      ['350404', 'failed', 3, 40003, 'wechat_40003', null], // refused last, but an earlier try may have gone
      ['350405', 'failed', 1, 40003, 'wechat_40003', null], // refused at its only try: not sent
      ['350406', 'skipped', 1, 45028, 'quota_spent', null], // WeChat: quota spent
      ['350407', 'skipped', 1, null, 'quota_spent', null], // no slot left, never sent
      ['350408', 'skipped', 0, null, 'cancelled', null], // cancelled before any try
      ['350421', 'sent', 1, null, null, '2026-12-01 08:00:05.000'],
    ];
    for (const [i, [target, state, attempts, errcode, reason, sentAt]] of rows.entries()) {
      await fresh.db.sequelize.query(
        `INSERT INTO alert_push_mass (job_id, alert_id, target, client_msg_id, state, attempts, next_attempt_at, errcode, reason, sent_at)
         VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?)`,
        { replacements: [job!.id, target, `c${i}`, state, attempts, started, errcode, reason, sentAt] },
      );
    }
    await migrateUp(fresh.db);
    const after = await q(`SELECT m.target, m.state, m.reason,
      CASE WHEN m.sent_at IS NULL THEN 'none' WHEN m.sent_at = j.started_at THEN 'job start' ELSE 'own' END AS sent
      FROM alert_push_mass m JOIN alert_push_jobs j ON j.id = m.job_id ORDER BY m.target`);
    expect(after.map((r) => [r.target, r.state, r.reason, r.sent])).to.deep.equal([
      ['350402', 'failed', 'unknown_after_error', 'job start'],
      ['350403', 'queued', 'wechat_busy', 'job start'],
      ['350404', 'failed', 'unknown_after_error', 'job start'],
      ['350405', 'failed', 'wechat_40003', 'none'],
      ['350406', 'skipped', 'quota_spent', 'none'],
      ['350407', 'skipped', 'quota_spent', 'none'],
      ['350408', 'skipped', 'cancelled', 'none'],
      ['350421', 'sent', null, 'own'],
    ]);
  });

  it('migrates down and up again', async () => {
    await migrateUp(fresh.db);
    await createMigrator(fresh.db).down({ to: 0 });
    await migrateUp(fresh.db);
    expect(Number((await q('SELECT COUNT(*) AS n FROM units'))[0]!.n)).to.equal(167);
  });
});
