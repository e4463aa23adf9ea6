/**
 * Where the CLI writes. Results go to stdout (one line per fact, or JSON with --json);
 * progress and notes go to stderr, so `--json` output stays parseable and CI logs still show
 * what is happening.
 */
export const print = (line = ''): void => void process.stdout.write(`${line}\n`);
export const note = (line: string): void => void process.stderr.write(`${line}\n`);
export const printJson = (value: unknown): void => print(JSON.stringify(value, null, 2));

/** A table of plain columns, padded to the widest cell. */
export function printTable(rows: string[][]): void {
  const widths = rows.reduce<number[]>((acc, row) => row.map((cell, i) => Math.max(acc[i] ?? 0, cell.length)), []);
  for (const row of rows) print(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}
