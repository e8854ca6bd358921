import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../src/config/index.js';
import { hashPassword, PASSWORD_COST, verifyPassword } from '../../src/staff/passwords.js';

describe('config', () => {
  it('loads config/test.json with the holiday table', async () => {
    const config = await loadConfig();
    expect(config.env).to.equal('test');
    expect(config.wechat.token).to.equal('test-token');
    expect(config.holidays.holidays).to.include('2026-10-01');
  });

  it('names every bad key in one message', async () => {
    try {
      await loadConfig({ wechat: { aesKey: 'too-short', apiBase: 'not a url' }, databaseUrl: 'postgres://x' });
      expect.fail('should refuse');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const message = (err as Error).message;
      expect(message).to.contain('wechat.aesKey');
      expect(message).to.contain('wechat.apiBase');
      expect(message).to.contain('databaseUrl');
    }
  });

  it('refuses identity keys that are not 32 bytes', async () => {
    try {
      await loadConfig({ tips: { identityKeys: 'k1:c2hvcnQ=' } });
      expect.fail('should refuse');
    } catch (err) {
      expect((err as Error).message).to.contain('tips.identityKeys');
    }
  });

  it('requires an AES key when encryption is required', async () => {
    try {
      await loadConfig({ wechat: { requireEncryption: true, aesKey: '' } });
      expect.fail('should refuse');
    } catch (err) {
      expect((err as Error).message).to.contain('wechat.aesKey');
    }
  });

  it('reads the scam-report threshold (default 3) and refuses one below 1', async () => {
    expect((await loadConfig()).alerts.reportThreshold).to.equal(3);
    try {
      await loadConfig({ alerts: { reportThreshold: 0 } });
      expect.fail('should refuse');
    } catch (err) {
      expect((err as Error).message).to.contain('alerts.reportThreshold');
    }
  });

  it('hashes staff passwords at scrypt cost 16384, lowered only under NODE_ENV=test', async () => {
    expect(PASSWORD_COST).to.equal(16384);
    expect(await hashPassword('a-long-enough-password')).to.match(/^scrypt\$16384\$/);
    // config/test.json lowers it for the tests' hundreds of accounts; a hash records its cost.
    const config = await loadConfig();
    expect(config.staff.passwordCost).to.equal(1024);
    const cheap = await hashPassword('a-long-enough-password', config.staff.passwordCost);
    expect(cheap).to.match(/^scrypt\$1024\$/);
    expect(await verifyPassword('a-long-enough-password', cheap)).to.equal(true);
    await loadConfig({ staff: { passwordCost: 3000 } }).then(() => expect.fail('should refuse'), (err: unknown) => {
      expect((err as Error).message).to.contain('staff.passwordCost');
    });
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await loadConfig({ staff: { passwordCost: 1024 } }).then(() => expect.fail('should refuse'), (err: unknown) => {
        expect(err).to.be.instanceOf(ConfigError);
        expect((err as Error).message).to.contain('staff.passwordCost: at least 16384 outside NODE_ENV=test');
      });
    } finally {
      process.env.NODE_ENV = env;
    }
  });
});
