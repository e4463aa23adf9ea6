import { STEPS } from '../../functions/lib/release/steps';
import { type Json, type JsonObject, substitute, validateAsl } from '../../local/stepfunctions/asl';
import { RELEASE_STATE_MACHINE } from '../../infra/manifest';
import { DISTRIBUTED_PREFIX, releaseDefinitionJson } from '../../statemachines/release-definition';

const PIPELINE_FUNCTION_ARN = 'arn:aws:lambda:ap-east-1:123456789012:function:pipeline-step';

type States = Record<string, JsonObject>;
interface Processor {
  StartAt: string;
  States: States;
  ProcessorConfig?: JsonObject;
}

/** A copy of a processor's States with `prefix` taken off every state name and transition. */
function withoutPrefix(processor: Processor, prefix: string): { StartAt: string; States: Record<string, Json> } {
  const rename = (name: string): string => (name.startsWith(prefix) ? name.slice(prefix.length) : name);
  const walk = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, (key === 'Next' || key === 'Default') && typeof v === 'string' ? rename(v) : walk(v)]));
  };
  return {
    StartAt: rename(processor.StartAt),
    States: Object.fromEntries(Object.entries(processor.States).map(([name, state]) => [rename(name), walk(state)])),
  };
}

describe('statemachines/release-definition.ts', () => {
  const text = releaseDefinitionJson();
  const definition = JSON.parse(text) as { States: States };

  it('is valid ASL (asl-validator), once its ARN is substituted as CDK and the local runner do', () => {
    const substituted = substitute(text, { [RELEASE_STATE_MACHINE.substitution]: PIPELINE_FUNCTION_ARN });
    expect(substituted).not.toMatch(/\$\{/);
    expect(validateAsl(substituted)).toEqual({ valid: true, errors: [] });
  });

  it('only names pipeline steps that exist, and retries or catches every task', () => {
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
    walk(definition.States);
    for (const task of tasks) expect(Boolean(task.Catch) || Boolean(task.Retry)).toBe(true);
  });

  it('runs the same per-app pipeline in the inline and the distributed Map (only ProcessorConfig and the name prefix differ)', () => {
    const waves = definition.States.Waves!.ItemProcessor as unknown as Processor;
    const inline = waves.States.Targets!.ItemProcessor as unknown as Processor;
    const distributed = definition.States.DistributedTargets!.ItemProcessor as unknown as Processor;
    expect(Object.keys(distributed.States).every((name) => name.startsWith(DISTRIBUTED_PREFIX))).toBe(true);
    expect(Object.keys(inline.States).length).toBeGreaterThan(5);
    expect(withoutPrefix(distributed, DISTRIBUTED_PREFIX)).toEqual(withoutPrefix(inline, DISTRIBUTED_PREFIX));
  });

  it('keeps every transition of each per-app processor inside it (the prefix reached every Next and Default)', () => {
    const waves = definition.States.Waves!.ItemProcessor as unknown as Processor;
    const processors = [waves.States.Targets!.ItemProcessor as unknown as Processor, definition.States.DistributedTargets!.ItemProcessor as unknown as Processor];
    for (const processor of processors) {
      const targets = [processor.StartAt, ...[...JSON.stringify(processor.States).matchAll(/"(?:Next|Default)":"(\w+)"/g)].map((m) => m[1]!)];
      expect(targets.length).toBeGreaterThan(10);
      for (const target of targets) expect(Object.keys(processor.States)).toContain(target);
    }
  });

  it('tells a drifted copy apart (the comparison above can fail)', () => {
    const inline = (definition.States.Waves!.ItemProcessor as unknown as Processor).States.Targets!.ItemProcessor as unknown as Processor;
    const drifted: Processor = JSON.parse(JSON.stringify(inline)) as Processor;
    (drifted.States.Commit as { Next: string }).Next = 'Done';
    expect(withoutPrefix(drifted, DISTRIBUTED_PREFIX)).not.toEqual(withoutPrefix(inline, DISTRIBUTED_PREFIX));
  });
});
