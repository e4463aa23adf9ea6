// Quiet, deterministic defaults for every test file; a test that checks logs turns them on.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// EMF metrics go to stdout too; a test that checks them enables them before loading the handlers.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_REGION ??= 'ap-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
// The WeChat client's timeout is a ceiling like every wait in the suite: the simulator answers
// in the same busy process as jest, so tests give it three times the deployed 5 s.
process.env.WECHAT_API_TIMEOUT_MS ??= String(Math.round(15_000 * Number(process.env.TEST_TIME_SCALE || 1)));
