/** The Redis the tests use: TEST_REDIS_URL, else the local one (.ci/run starts it when it is not up). */
export const testRedisUrl = (): string => process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
