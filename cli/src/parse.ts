import { InvalidArgumentError, Option } from 'commander';

/**
 * Option value parsers for commander: a wrong value is refused before any API call, and
 * commander reports it as a usage error (exit 2).
 */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `10m`, `6h`, `3d`; a bare number is seconds. */
export function duration(raw: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw.trim());
  if (!match) throw new InvalidArgumentError('expected a duration like 30s, 10m, 6h or 3d');
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 's']!);
}

export const integer = (min: number, max = Number.MAX_SAFE_INTEGER) => (raw: string): number => {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `expected a whole number, at least ${min}` : `expected a whole number from ${min} to ${max}`);
  }
  return value;
};

/** `a,b,c` (spaces and empty items ignored). */
export const list = (raw: string): string[] => raw.split(',').map((item) => item.trim()).filter(Boolean);

/** A duration option whose help shows its default as written (`72h`), not in ms. */
export const durationOption = (flags: string, description: string, fallback: string): Option =>
  new Option(flags, description).argParser(duration).default(duration(fallback), fallback);
