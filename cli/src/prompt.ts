import { createInterface, type Interface } from 'node:readline';

/**
 * Asks on stderr and reads a line from stdin. On a terminal a hidden answer is not echoed;
 * without one (a script piping answers) lines are read in order.
 */
let lines: Interface | undefined;
let muted = false;

function reader(): Interface {
  if (!lines) {
    lines = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY === true });
    // readline echoes through _writeToOutput; while a secret is typed, nothing is echoed.
    const internals = lines as unknown as { _writeToOutput(text: string): void };
    const write = internals._writeToOutput.bind(lines);
    internals._writeToOutput = (text: string) => {
      if (!muted || text.startsWith('\r\n') || text === '\n') write(text);
    };
  }
  return lines;
}

export function ask(question: string, { hidden = false } = {}): Promise<string> {
  const rl = reader();
  return new Promise((resolve, reject) => {
    const closed = () => reject(new Error(`no answer to "${question.trim()}" (stdin closed)`));
    rl.once('close', closed);
    muted = false;
    rl.question(question, (answer) => {
      muted = false;
      rl.off('close', closed);
      resolve(answer.trim());
    });
    muted = hidden;
  });
}

export function closePrompts(): void {
  lines?.close();
  lines = undefined;
}
