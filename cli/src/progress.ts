import { SingleBar } from 'cli-progress';
import { FINAL_TARGET_STATES, TARGET_STATES } from '../../console/src/api/types';
import type { TargetState } from './api';
import { note } from './output';

export type Counts = Partial<Record<TargetState, number>>;

/** `released 11 · failed 1 · audit_submitted 8`, in the pipeline's order, states with none left out. */
export const describeCounts = (counts: Counts): string =>
  TARGET_STATES.filter((state) => (counts[state] ?? 0) > 0).map((state) => `${state} ${counts[state]}`).join(' · ') || 'no apps';

export const finishedCount = (counts: Counts): number => TARGET_STATES.filter((state) => FINAL_TARGET_STATES.has(state)).reduce((sum, state) => sum + (counts[state] ?? 0), 0);

export interface ProgressView {
  update(status: string, total: number, counts: Counts): void;
  stop(): void;
}

/**
 * A release's progress: a bar on a terminal (finished apps of the total, counts by state
 * beside it); in a CI log a plain line each time the counts change, never the same line twice.
 */
export function progressView(label: string): ProgressView {
  return process.stdout.isTTY ? barView(label) : lineView(label);
}

function barView(label: string): ProgressView {
  const bar = new SingleBar({
    format: `${label} [{bar}] {value}/{total} finished · {states}`,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
  });
  let started = false;
  return {
    update(_status, total, counts) {
      if (!started) bar.start(total, 0, { states: '' });
      started = true;
      bar.setTotal(total);
      bar.update(finishedCount(counts), { states: describeCounts(counts) });
    },
    stop: () => void (started && bar.stop()),
  };
}

function lineView(label: string): ProgressView {
  let last = '';
  return {
    update(status, total, counts) {
      const line = `${label} ${status}: ${finishedCount(counts)}/${total} finished · ${describeCounts(counts)}`;
      if (line !== last) note(line);
      last = line;
    },
    stop: () => undefined,
  };
}
