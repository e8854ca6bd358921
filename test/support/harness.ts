// One test context: config/test.json + a fresh database + a local fake WeChat API, composed the
// same way server.ts composes the real service. Tests drive it over HTTP with supertest.
import type { AppConfig, ConfigOverrides } from '../../src/config/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { compose, type Services } from '../../src/compose.js';
import { createMigratedTestDatabase, type TestDatabase } from './database.js';
import type { FakeWechatApi } from './fake-wechat-api.js';
import { configWithFakeWechat } from './test-config.js';

export interface TestContext {
  config: AppConfig;
  services: Services;
  fakeWechat: FakeWechatApi;
  database: TestDatabase;
  /** app.callback(), for supertest: no port. */
  callback: ReturnType<Services['app']['callback']>;
  close(): Promise<void>;
}

export async function createTestContext(
  overrides: ConfigOverrides = {},
  opts: { now?: () => Date; logLevel?: string; logSink?: { write(line: string): void } } = {},
): Promise<TestContext> {
  const database = await createMigratedTestDatabase();
  const { config, fakeWechat } = await configWithFakeWechat({ databaseUrl: database.url, ...overrides });
  const logger = createLogger(opts.logLevel ?? process.env.TEST_LOG_LEVEL ?? config.logLevel, opts.logSink);
  const services = await compose(config, logger, opts.now ? { now: opts.now } : {});
  return {
    config,
    services,
    fakeWechat,
    database,
    callback: services.app.callback(),
    async close() {
      await services.close();
      await fakeWechat.close();
      await database.drop();
    },
  };
}
