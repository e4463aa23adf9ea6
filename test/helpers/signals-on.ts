// Imported before anything that loads the Logger or the Metrics instance: other tests run
// quiet (test/helpers/setup-env.ts), and Powertools reads these switches at construction.
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
