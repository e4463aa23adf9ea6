import type { z } from 'zod';
import * as Powertools from '../../local/log-format';
import { secretSweep } from './secret-sweep-state';

export type EmfRecord = z.infer<typeof Powertools.EmfRecord> & Record<string, unknown>;
export type LogLine = z.infer<typeof Powertools.LogLine> & Record<string, unknown>;

/**
 * Everything the in-process handlers write to stdout and stderr (Powertools writes warnings
 * and errors there), split into EMF records and log lines. Kept off the real streams, where
 * it would bury jest's report; `lines` holds it for a failing test.
 */
export class OutputCapture {
  readonly lines: string[] = [];
  private readonly originals = { stdout: process.stdout.write, stderr: process.stderr.write };

  start(): void {
    for (const stream of [process.stdout, process.stderr]) {
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        // This replaces the secret sweep's own stream wrapper, so it hands the sweep what it keeps.
        secretSweep.record('log', text);
        this.lines.push(...text.split('\n').filter(Boolean));
        const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        done?.();
        return true;
      }) as typeof stream.write;
    }
  }

  stop(): void {
    process.stdout.write = this.originals.stdout;
    process.stderr.write = this.originals.stderr;
  }

  clear(): void {
    this.lines.splice(0);
  }

  private json(): Record<string, unknown>[] {
    return this.lines.flatMap((line) => {
      try {
        const value: unknown = JSON.parse(line);
        return typeof value === 'object' && value !== null ? [value as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  }

  /** EMF records that carry metric `name`. */
  metrics(name: string): EmfRecord[] {
    return this.json()
      .filter((value) => Powertools.EmfRecord.safeParse(value).success)
      .map((value) => value as EmfRecord)
      .filter((record) => record._aws.CloudWatchMetrics.some((m) => m.Metrics.some((metric) => metric.Name === name)));
  }

  /** Sum of metric `name` over the records matching `dimensions`. */
  total(name: string, dimensions: Record<string, string> = {}): number {
    return this.metrics(name)
      .filter((record) => Object.entries(dimensions).every(([key, value]) => record[key] === value))
      .reduce((sum, record) => sum + Number(record[name]), 0);
  }

  logs(message?: string | RegExp): LogLine[] {
    return this.json()
      .filter((value) => Powertools.LogLine.safeParse(value).success && !('_aws' in value))
      .map((value) => value as LogLine)
      .filter((line) => message === undefined || (typeof message === 'string' ? line.message === message : message.test(line.message)));
  }
}
