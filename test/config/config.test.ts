import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../src/config/index.js';

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
});
