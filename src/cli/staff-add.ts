// npm run staff:add -- --username li --role county --county 350404 [--unit discipline] [--township 350404001] [--name 李四]
// The password comes from STAFF_PASSWORD or a hidden prompt, never from the command line
// (arguments end up in shell history and in `ps` output).
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { loadConfig } from '../config/index.js';
import { openDatabase } from '../db/index.js';
import { migrateUp } from '../db/migrate.js';
import { underMigrationLock } from '../db/migration-lock.js';
import { createStaff, defineStaffModels } from '../staff/accounts.js';
import { isCoded } from '../platform/errors.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function promptHidden(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  process.stdout.write(question);
  muted = true;
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stdout.write('\n');
  return answer;
}

async function main(): Promise<number> {
  if (process.argv.includes('--password')) {
    process.stderr.write('refusing --password: set STAFF_PASSWORD or type it at the prompt\n');
    return 64;
  }
  const username = arg('username');
  const role = arg('role');
  if (!username || !role) {
    process.stderr.write('usage: npm run staff:add -- --username NAME --role admin|supervisor|triage|county|township|editor [--unit KEY] [--county CODE] [--township CODE] [--name 显示名]\n');
    return 64;
  }
  const password = process.env.STAFF_PASSWORD ?? (await promptHidden('Password: '));
  const config = await loadConfig();
  const db = await openDatabase(config.databaseUrl);
  try {
    await underMigrationLock(db, undefined, () => migrateUp(db));
    const staff = await createStaff(db, defineStaffModels(db), {
      username, password, role,
      unitKey: arg('unit') ?? null, countyCode: arg('county') ?? null, townshipCode: arg('township') ?? null,
      ...(arg('name') ? { displayName: arg('name') } : {}),
    }, { passwordCost: config.staff.passwordCost });
    process.stdout.write(`created ${staff.username} (${staff.role}, unit ${staff.unitKey ?? '-'}, county ${staff.countyCode ?? '-'}, township ${staff.townshipCode ?? '-'})\n`);
    return 0;
  } catch (err) {
    if (isCoded(err)) {
      process.stderr.write(`${err.code}: ${err.message}\n`);
      return 65;
    }
    throw err;
  } finally {
    await db.close();
  }
}

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
