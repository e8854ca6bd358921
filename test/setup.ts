// Loaded by mocha before any spec (see .mocharc.json), in the main process and in every worker of
// the parallel run: tests run with config/test.json.
process.env.NODE_ENV = 'test';

/**
 * Mocha's global fixtures, run once in the main process: the setup names the run before any
 * worker starts (the workers inherit it), the teardown drops every worker's migrated template
 * after the last test (test/support/database.ts).
 */
export async function mochaGlobalSetup(): Promise<void> {
  const { startTestRun } = await import('./support/database.js');
  startTestRun();
}

export async function mochaGlobalTeardown(): Promise<void> {
  const { dropTestTemplates } = await import('./support/database.js');
  await dropTestTemplates();
}
