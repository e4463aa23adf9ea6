import { Logger } from '@aws-lambda-powertools/logger';
import { formatChunk, formatLogLine, installLogFormat, type LogFormatOptions } from '../../local/log-format';

const plain: LogFormatOptions = { color: false, metrics: 'summary' };
// Built from local time, as the formatter prints it.
const at = new Date(2026, 10, 26, 3, 4, 5, 67);
const AT = '03:04:05.067';

const logLine = (fields: Record<string, unknown>) =>
  JSON.stringify({
    level: 'INFO',
    message: 'WeChat call',
    timestamp: at.toISOString(),
    service: 'weapp-fleet',
    cold_start: false,
    function_arn: 'arn:aws:lambda:local:000000000000:function:pipelineStep',
    function_memory_size: '1024',
    function_name: 'pipelineStep',
    function_request_id: 'f0e1d2c3-0000-4000-8000-000000000000',
    sampling_rate: 0,
    componentAppId: 'wx0123456789abcdef',
    ...fields,
  });

const emf = JSON.stringify({
  _aws: { Timestamp: at.getTime(), CloudWatchMetrics: [{ Namespace: 'WeappFleet', Dimensions: [['service'], ['service', 'Reason']], Metrics: [{ Name: 'PushesRejected', Unit: 'Count' }] }] },
  service: 'weapp-fleet',
  Reason: 'signature',
  PushesRejected: 1,
});

describe('Function: formatLogLine', () => {
  it('puts time, level, function and message first, then the correlation keys, then the rest', () => {
    const line = logLine({ requestId: '9a8b7c6d-1111-4222-8333-444455556666', releaseId: 'rel-20261126-abcd1234', authorizerAppId: 'wxfedcba9876543210', step: 'commit', api: '/wxa/commit', errcode: 0, durationMs: 52, attempt: 1, note: 'two words' });
    expect(formatLogLine(line, plain)).toBe(
      `${AT}  INFO   pipelineStep         WeChat call  req=9a8b7c6d  app=wxfedcba9876543210  releaseId=rel-20261126-abcd1234  step=commit  api=/wxa/commit  errcode=0  52ms  attempt=1 note="two words"`,
    );
  });

  it('leaves out Powertools’ own fields and the component appid, which is the same on every line', () => {
    const out = formatLogLine(logLine({ message: 'token refresher finished' }), plain)!;
    for (const hidden of ['cold_start', 'function_arn', 'sampling_rate', 'f0e1d2c3', 'wx0123456789abcdef']) expect(out).not.toContain(hidden);
    expect(out).toBe(`${AT}  INFO   pipelineStep         token refresher finished`);
  });

  it('names the service when no Lambda context was added', () => {
    const line = JSON.stringify({ level: 'DEBUG', message: 'probe', timestamp: at.toISOString(), service: 'weapp-fleet' });
    expect(formatLogLine(line, plain)).toBe(`${AT}  DEBUG  weapp-fleet          probe`);
  });

  it('shows an error as its name and message', () => {
    const line = logLine({ level: 'ERROR', message: 'unhandled error', error: { name: 'TypeError', location: 'x.ts:1', message: 'boom', stack: 'TypeError: boom\n    at x' } });
    expect(formatLogLine(line, plain)).toBe(`${AT}  ERROR  pipelineStep         unhandled error  error="TypeError: boom"`);
  });

  it('colours the level and a non-zero errcode on a terminal', () => {
    const out = formatLogLine(logLine({ level: 'WARN', message: 'WeChat call failed', errcode: 85019 }), { ...plain, color: true })!;
    expect(out).toContain('\u001b[33mWARN \u001b[0m');
    expect(out).toContain('\u001b[33merrcode=85019\u001b[0m');
    expect(formatLogLine(logLine({}), plain)).not.toContain('\u001b[');
  });

  it('summarizes a metric record on one line, or hides it', () => {
    expect(formatLogLine(emf, plain)).toBe(`${AT}  METRIC                       PushesRejected=1  {Reason=signature}`);
    expect(formatLogLine(emf, { ...plain, metrics: 'hide' })).toBeUndefined();
  });

  it('passes anything else through untouched', () => {
    for (const line of ['[weapp-fleet] gateway       http://127.0.0.1:3000', '{not json', '{"some":"other json"}', '']) expect(formatLogLine(line, plain)).toBe(line);
  });

  it('formats a line written by a real Powertools Logger', () => {
    const writes: string[] = [];
    const original = process.stdout.write;
    process.stdout.write = ((chunk: string) => writes.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      new Logger({ serviceName: 'weapp-fleet', logLevel: 'INFO' }).info('audit outcome recorded', { authorizerAppId: 'wx1111111111111111', status: 'passed' });
    } finally {
      process.stdout.write = original;
    }
    expect(writes).toHaveLength(1);
    expect(formatLogLine(writes[0]!.trimEnd(), plain)).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {2}INFO {3}weapp-fleet {10}audit outcome recorded {2}app=wx1111111111111111 {2}status=passed$/);
  });
});

describe('Function: formatChunk', () => {
  it('formats each whole line, drops hidden ones and passes a trailing partial line through', () => {
    const chunk = `${logLine({ message: 'a' })}\n${emf}\nplain text\n{"level":`;
    expect(formatChunk(chunk, { ...plain, metrics: 'hide' })).toBe(`${AT}  INFO   pipelineStep         a\nplain text\n{"level":`);
  });
});

describe('Function: installLogFormat', () => {
  it('formats what is written to stdout and stderr until restored, and still calls back', () => {
    const written: Record<'stdout' | 'stderr', string[]> = { stdout: [], stderr: [] };
    const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
    process.stdout.write = ((chunk: string) => written.stdout.push(chunk) > 0) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => written.stderr.push(chunk) > 0) as typeof process.stderr.write;
    try {
      const restore = installLogFormat({ metrics: 'hide' });
      process.stdout.write(`${logLine({ message: 'out' })}\n`);
      process.stderr.write(`${logLine({ level: 'WARN', message: 'err' })}\n`);
      let calledBack = false;
      process.stdout.write(`${emf}\n`, () => (calledBack = true));
      restore();
      process.stdout.write('after\n');
      expect(written.stdout).toEqual([`${AT}  INFO   pipelineStep         out\n`, 'after\n']);
      expect(written.stderr).toEqual([`${AT}  WARN   pipelineStep         err\n`]);
      expect(calledBack).toBe(true);
    } finally {
      process.stdout.write = originals.stdout;
      process.stderr.write = originals.stderr;
    }
  });
});
