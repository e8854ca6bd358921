// Loaded by mocha before any spec (see .mocharc.json): tests run with config/test.json.
process.env.NODE_ENV = 'test';

/** Mocha's root hooks (a root hook plugin): after the last test, the migrated template goes (test/support/database.ts). */
export const mochaHooks = {
  async afterAll(): Promise<void> {
    const { dropTestTemplates } = await import('./support/database.js');
    await dropTestTemplates();
  },
};
