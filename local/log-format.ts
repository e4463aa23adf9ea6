import { z } from 'zod';

/**
 * Readable logs for `npm start`. The handlers write what they write in Lambda — Powertools
 * JSON log lines and EMF metric records — and this turns each into one line a person can
 * scan: time, level, function, message, the correlation keys, then the rest as key=value.
 * Anything that is not one of those (the runtime's own `[weapp-fleet] …` lines) passes
 * through untouched.
 */
export interface LogFormatOptions {
  /** ANSI colours; on when the stream is a terminal. */
  color: boolean;
  /**
   * EMF records: `hide` (the default locally: the refresher alone writes its gauges every few
   * seconds, and every WeChat call already has its log line) or `summary`, one dim line each.
   */
  metrics: 'hide' | 'summary';
}

/** One Powertools Logger line; also what tests read the handlers' logs with. */
export const LogLine = z
  .object({
    level: z.string(),
    message: z.string(),
    timestamp: z.string(),
    service: z.string().optional(),
    function_name: z.string().optional(),
  })
  .loose();

/** One CloudWatch embedded-metric-format record, as Powertools Metrics writes it. */
export const EmfRecord = z
  .object({
    _aws: z.object({
      Timestamp: z.number(),
      CloudWatchMetrics: z.array(z.object({ Namespace: z.string(), Dimensions: z.array(z.array(z.string())), Metrics: z.array(z.object({ Name: z.string(), Unit: z.string() })) })),
    }),
  })
  .loose();

/** Powertools' own fields, shown in the line's fixed columns or not at all. */
const POWERTOOLS_FIELDS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
  // One component per local platform: the same on every line.
  'componentAppId',
]);

/** Shown first, in this order, whenever present: what ties a line to a request, an app, a release. */
const CORRELATION_FIELDS = ['requestId', 'authorizerAppId', 'releaseId', 'step', 'api', 'errcode', 'durationMs'] as const;

const ANSI = { reset: '\u001b[0m', dim: '\u001b[2m', bold: '\u001b[1m', red: '\u001b[31m', yellow: '\u001b[33m', cyan: '\u001b[36m', magenta: '\u001b[35m' };

const LEVEL_COLOR: Record<string, string> = { TRACE: ANSI.dim, DEBUG: ANSI.dim, INFO: ANSI.cyan, WARN: ANSI.yellow, ERROR: ANSI.red, CRITICAL: ANSI.red };

/**
 * One line of output for one line of input: the readable form of a log line or metric
 * record, `undefined` for a metric record that is hidden, the input itself otherwise.
 */
export function formatLogLine(line: string, options: LogFormatOptions): string | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return line;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return line;
  }
  const emf = EmfRecord.safeParse(value);
  if (emf.success) return options.metrics === 'hide' ? undefined : formatMetrics(emf.data, options);
  const log = LogLine.safeParse(value);
  return log.success ? formatLog(log.data, options) : line;
}

function paint(text: string, color: string | undefined, options: LogFormatOptions): string {
  return options.color && color ? `${color}${text}${ANSI.reset}` : text;
}

/** `HH:MM:SS.mmm` in local time: a terminal session is read against the wall clock. */
function clock(timestamp: string | number): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return String(timestamp);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function formatLog(log: z.infer<typeof LogLine>, options: LogFormatOptions): string {
  const level = log.level.toUpperCase();
  const source = log.function_name ?? log.service ?? '';
  const parts = [
    paint(clock(log.timestamp), ANSI.dim, options),
    paint(level.padEnd(5), LEVEL_COLOR[level], options),
    paint(source.padEnd(19), ANSI.magenta, options),
    paint(log.message, level === 'ERROR' || level === 'CRITICAL' ? ANSI.bold : undefined, options),
  ];
  const fields = log as Record<string, unknown>;
  const correlation: string[] = [];
  for (const key of CORRELATION_FIELDS) {
    if (fields[key] === undefined) continue;
    if (key === 'requestId') correlation.push(`req=${String(fields[key]).slice(0, 8)}`);
    else if (key === 'durationMs') correlation.push(`${String(fields[key])}ms`);
    else if (key === 'errcode') correlation.push(paint(`errcode=${String(fields[key])}`, fields[key] === 0 ? undefined : ANSI.yellow, options));
    else correlation.push(`${key === 'authorizerAppId' ? 'app' : key}=${String(fields[key])}`);
  }
  const rest = Object.entries(fields)
    .filter(([key, value]) => !POWERTOOLS_FIELDS.has(key) && !(CORRELATION_FIELDS as readonly string[]).includes(key) && value !== undefined)
    .map(([key, value]) => `${key}=${describe(value)}`);
  return [...parts, ...correlation, ...(rest.length ? [paint(rest.join(' '), ANSI.dim, options)] : [])].join('  ').trimEnd();
}

/** Powertools logs an Error as `{ name, message, stack, … }`: the name and message are what a reader scans for. */
function describe(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  if (value && typeof value === 'object' && 'message' in value && 'name' in value) {
    return JSON.stringify(`${String((value as { name: unknown }).name)}: ${String((value as { message: unknown }).message)}`);
  }
  return JSON.stringify(value);
}

function formatMetrics(record: z.infer<typeof EmfRecord>, options: LogFormatOptions): string {
  const fields = record as Record<string, unknown>;
  const directive = record._aws.CloudWatchMetrics[0];
  const values = (directive?.Metrics ?? []).map((m) => `${m.Name}=${String(fields[m.Name])}`);
  const dimensionNames = [...new Set((directive?.Dimensions ?? []).flat())].filter((name) => name !== 'service');
  const dimensions = dimensionNames.map((name) => `${name}=${String(fields[name])}`);
  const text = [clock(record._aws.Timestamp), 'METRIC'.padEnd(5), ''.padEnd(19), values.join(' '), dimensions.length ? `{${dimensions.join(' ')}}` : ''].join('  ').trimEnd();
  return paint(text, ANSI.dim, options);
}

/** Formats a chunk written to a stream: whole lines are formatted, a trailing partial line passes through. */
export function formatChunk(chunk: string, options: LogFormatOptions): string {
  const lines = chunk.split('\n');
  const partial = lines.pop() ?? '';
  const formatted = lines.flatMap((line) => {
    const out = formatLogLine(line, options);
    return out === undefined ? [] : [`${out}\n`];
  });
  return formatted.join('') + partial;
}

/**
 * Formats what this process writes to stdout and stderr from now on (Powertools writes
 * warnings and errors to stderr). Returns the function that restores the streams.
 */
export function installLogFormat(options: { metrics: LogFormatOptions['metrics'] }): () => void {
  const restores = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write;
    const streamOptions: LogFormatOptions = { color: Boolean(stream.isTTY), metrics: options.metrics };
    stream.write = function write(this: NodeJS.WriteStream, chunk: string | Uint8Array, ...rest: unknown[]): boolean {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const formatted = formatChunk(text, streamOptions);
      const done = rest.find((arg) => typeof arg === 'function') as ((error?: Error | null) => void) | undefined;
      if (formatted === '') {
        // Nothing left to write (a hidden metric record); the caller still expects its callback.
        done?.();
        return true;
      }
      return (original as (this: NodeJS.WriteStream, c: string, ...r: unknown[]) => boolean).call(this, formatted, ...rest.filter((arg) => typeof arg === 'function'));
    } as typeof stream.write;
    return () => {
      stream.write = original;
    };
  });
  return () => restores.forEach((restore) => restore());
}
