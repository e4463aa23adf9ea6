import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { STEPS } from '../../functions/pipeline/steps';

const file = path.resolve(__dirname, '../../statemachines/release.asl.json');

describe('statemachines/release.asl.json', () => {
  it('is valid ASL (asl-validator)', () => {
    const result = spawnSync(process.execPath, [path.resolve(__dirname, '../../node_modules/asl-validator/dist/bin/asl-validator.js'), '--json-path', file], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toMatch(/is valid/);
    expect(result.status).toBe(0);
  });

  it('only names pipeline steps that exist, and retries or catches every task', () => {
    const text = readFileSync(file, 'utf8');
    const steps = [...text.matchAll(/"step": "(\w+)"/g)].map((m) => m[1]!);
    expect(steps.length).toBeGreaterThan(5);
    for (const step of steps) expect(Object.keys(STEPS)).toContain(step);
    const tasks: Record<string, unknown>[] = [];
    const walk = (states: Record<string, Record<string, unknown>>) => {
      for (const state of Object.values(states)) {
        if (state.Type === 'Task') tasks.push(state);
        const processor = state.ItemProcessor as { States: Record<string, Record<string, unknown>> } | undefined;
        if (processor) walk(processor.States);
      }
    };
    walk((JSON.parse(text) as { States: Record<string, Record<string, unknown>> }).States);
    for (const task of tasks) expect(Boolean(task.Catch) || Boolean(task.Retry)).toBe(true);
  });
});
