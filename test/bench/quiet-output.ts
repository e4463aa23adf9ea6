// Imported first by the bench runner: Powertools reads these when the Logger and the Metrics
// instance are built, at import. A benchmark's output is its figures, not a log line or an
// EMF record per request.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
