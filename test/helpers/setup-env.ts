// Quiet, deterministic defaults for every test file; a test that checks logs turns them on.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// EMF metrics go to stdout too; a test that checks them enables them before loading the handlers.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_REGION ??= 'ap-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
