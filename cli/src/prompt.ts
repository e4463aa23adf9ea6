import { createInterface, type Interface } from 'node:readline';
import { badInput } from './errors';

/**
 * Asks on stderr and reads a line from stdin. On a terminal a hidden answer is not echoed.
 * Lines are queued as they come: a script piping every answer at once (password, then code)
 * gets each to the question it was meant for, not lost before the question is asked.
 */
let lines: Interface | undefined;
const queued: string[] = [];
const waiting: ((line: string | undefined) => void)[] = [];
let closed = false;
let muted = false;

function reader(): Interface {
  if (lines) return lines;
  const terminal = process.stdin.isTTY === true;
  lines = createInterface({ input: process.stdin, output: terminal ? process.stderr : undefined, terminal });
  // readline echoes typed keys through _writeToOutput; while a secret is typed nothing is shown.
  const internals = lines as unknown as { _writeToOutput(text: string): void };
  const write = internals._writeToOutput.bind(lines);
  internals._writeToOutput = (text: string) => void (!muted && write(text));
  lines.on('line', (line) => (waiting.length ? waiting.shift()!(line) : queued.push(line)));
  lines.on('close', () => {
    closed = true;
    for (const resolve of waiting.splice(0)) resolve(undefined);
  });
  return lines;
}

export async function ask(question: string, { hidden = false } = {}): Promise<string> {
  reader();
  process.stderr.write(question);
  muted = hidden;
  const line = queued.length ? queued.shift() : closed ? undefined : await new Promise<string | undefined>((resolve) => waiting.push(resolve));
  muted = false;
  // Nothing echoed the Enter key (a hidden answer, or piped input): end the question's line.
  if (hidden || process.stdin.isTTY !== true) process.stderr.write('\n');
  if (line === undefined) throw badInput(`no answer to "${question.trim()}" (stdin closed)`);
  return line.trim();
}

export function closePrompts(): void {
  lines?.close();
  lines = undefined;
}
