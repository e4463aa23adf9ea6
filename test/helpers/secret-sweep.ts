import { format } from 'node:util';
import { WeChatSimulator } from '../../local/wechat-sim/server';
import { secretSweep } from './secret-sweep-state';

/**
 * Jest setup (every test file): no secret or token may appear in anything the code under test
 * writes — stdout, stderr, console — nor in an admin API answer. Logs run at DEBUG here, so
 * every log statement is exercised; those lines are checked, not shown, unless the file asked
 * for logs itself. After the file, its output is checked against the secrets it used (component
 * credentials, everything the simulators issued, payment keys stored) and the file fails on a hit.
 */
const wantsLogs = process.env.POWERTOOLS_LOG_LEVEL !== 'SILENT';
if (!wantsLogs) process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
const isStructuredLog = (text: string) => text.startsWith('{"level":');

for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk);
    secretSweep.record('log', text);
    if (!wantsLogs && isStructuredLog(text)) {
      // Swallowed, but the write still "succeeds" (and calls back) as the stream would.
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    secretSweep.record('log', format(...args));
    if (!secretSweep.muted) original(...args);
  };
}

// Every simulator started in this file: its component credentials and what it issued.
const start = WeChatSimulator.prototype.start;
WeChatSimulator.prototype.start = function (this: WeChatSimulator) {
  secretSweep.simulators.add(this);
  return start.call(this);
};

afterAll(() => {
  const leaks = secretSweep.leaks();
  if (leaks.length === 0) return;
  const lines = leaks.slice(0, 20).map((leak) => `  ${leak.kind} in ${leak.where}: ${leak.masked}`);
  throw new Error(`secret sweep: ${leaks.length} secret value(s) appeared in output or admin answers:\n${lines.join('\n')}`);
});
