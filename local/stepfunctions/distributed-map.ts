import { randomUUID } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { DistributedMapPlan, Json, JsonObject } from './asl';
import { epochSeconds } from '../aws-json-server';

/** Step Functions runs at most this many child executions of one map run at once (and this many when MaxConcurrency is 0 or absent). */
export const DISTRIBUTED_MAX_CONCURRENCY = 10_000;

export type ChildStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ChildOutcome {
  status: ChildStatus;
  output?: string;
  error?: string;
  cause?: string;
}

/** A child execution the host started for one item. */
export interface ChildRun {
  executionArn: string;
  closed: Promise<ChildOutcome>;
  abort(cause: string): void;
}

/** What a map run needs from the runtime around it. */
export interface MapRunHost {
  /** Reads an S3 object as text (the ItemReader's s3:getObject); rejects if it cannot. */
  readS3Object(bucket: string, key: string): Promise<string>;
  /** Starts one child execution with this input; it belongs to `mapRun`. */
  startChild(mapRun: MapRun, input: Json): ChildRun;
  /** An event in the parent execution's history. */
  emit(type: string, detail: JsonObject): void;
}

export type MapRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

interface Counts {
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
  total: number;
  resultsWritten: number;
}

/**
 * One run of a distributed Map state (what DescribeMapRun shows): reads the items (ItemReader
 * or ItemsPath), builds each child's input (ItemSelector with `$$.Map.Item`), keeps at most
 * MaxConcurrency child executions running, and fails with States.ExceedToleratedFailureThreshold
 * once more children failed than ToleratedFailurePercentage/Count allow (any failure when
 * neither is set), stopping the children still running, as Step Functions does.
 */
export class MapRun {
  readonly mapRunArn: string;
  status: MapRunStatus = 'RUNNING';
  readonly startDate = new Date();
  stopDate: Date | undefined;
  maxConcurrency = 0;
  toleratedFailurePercentage = 0;
  toleratedFailureCount = 0;
  readonly counts: Counts = { pending: 0, running: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, total: 0, resultsWritten: 0 };
  /** Child execution ARNs in item order (started ones only). */
  readonly children: string[] = [];
  private readonly running = new Set<ChildRun>();
  private readonly countSet: boolean;
  private readonly percentageSet: boolean;
  private stopping: string | undefined;

  constructor(
    /** The parent execution's ARN. */
    readonly executionArn: string,
    /** The machine the children run: `arn:…:stateMachine:<parent name>/<label>`. */
    readonly stateMachineArn: string,
    private readonly plan: DistributedMapPlan,
    private readonly host: MapRunHost,
  ) {
    const [, region, account, nameAndLabel] = /^arn:[\w-]+:states:([\w-]+):(\d{12}):stateMachine:(.+)$/.exec(stateMachineArn) ?? [];
    this.mapRunArn = `arn:aws:states:${region}:${account}:mapRun:${nameAndLabel}:${randomUUID()}`;
    this.countSet = plan.toleratedFailureCount !== undefined || plan.toleratedFailureCountPath !== undefined;
    this.percentageSet = plan.toleratedFailurePercentage !== undefined || plan.toleratedFailurePercentagePath !== undefined;
  }

  /** Runs every item; resolves with the children's outputs in item order, or rejects with a States error. */
  async run(input: Json): Promise<Json[]> {
    const items = await this.readItems(input);
    const { plan } = this;
    this.maxConcurrency = await this.numberSetting(plan.maxConcurrency, plan.maxConcurrencyPath, input, 'MaxConcurrency');
    this.toleratedFailurePercentage = await this.numberSetting(plan.toleratedFailurePercentage, plan.toleratedFailurePercentagePath, input, 'ToleratedFailurePercentage');
    this.toleratedFailureCount = await this.numberSetting(plan.toleratedFailureCount, plan.toleratedFailureCountPath, input, 'ToleratedFailureCount');
    if (this.toleratedFailurePercentage < 0 || this.toleratedFailurePercentage > 100) throw statesError('States.Runtime', `ToleratedFailurePercentage must be between 0 and 100, got ${this.toleratedFailurePercentage}`);
    const limit = this.maxConcurrency > 0 ? Math.min(this.maxConcurrency, DISTRIBUTED_MAX_CONCURRENCY) : DISTRIBUTED_MAX_CONCURRENCY;
    this.counts.total = items.length;
    this.counts.pending = items.length;
    this.host.emit('MapRunStarted', { stateName: plan.stateName, mapRunArn: this.mapRunArn, items: items.length, maxConcurrency: this.maxConcurrency });

    const outputs: Json[] = new Array<Json>(items.length).fill(null);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length && this.stopping === undefined) {
        const index = next++;
        const childInput = plan.itemSelector ? await evaluateTemplate(plan.itemSelector, input, { Map: { Item: { Index: index, Value: items[index]! } } }) : items[index]!;
        if (this.stopping !== undefined) return;
        outputs[index] = await this.runChild(index, childInput);
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    if (this.stopping !== undefined) {
      const aborted = this.status === 'ABORTED';
      this.finish(aborted ? 'ABORTED' : 'FAILED');
      throw statesError(aborted ? 'States.Runtime' : 'States.ExceedToleratedFailureThreshold', this.stopping);
    }
    this.finish('SUCCEEDED');
    return outputs;
  }

  /** The parent execution ended: start no more children and stop the running ones. */
  abort(cause: string): void {
    if (this.status !== 'RUNNING') return;
    this.status = 'ABORTED';
    this.stop(cause);
    this.finish('ABORTED');
  }

  /** DescribeMapRun's answer. */
  describe(): JsonObject {
    const counts = { ...this.counts };
    const answer: JsonObject = {
      mapRunArn: this.mapRunArn,
      executionArn: this.executionArn,
      status: this.status,
      startDate: epochSeconds(this.startDate),
      maxConcurrency: this.maxConcurrency,
      toleratedFailurePercentage: this.toleratedFailurePercentage,
      toleratedFailureCount: this.toleratedFailureCount,
      itemCounts: counts,
      executionCounts: counts,
    };
    if (this.stopDate) answer.stopDate = epochSeconds(this.stopDate);
    return answer;
  }

  private async runChild(index: number, input: Json): Promise<Json> {
    const child = this.host.startChild(this, input);
    this.children.push(child.executionArn);
    this.running.add(child);
    this.counts.pending--;
    this.counts.running++;
    this.host.emit('MapRunChildStarted', { mapRunArn: this.mapRunArn, executionArn: child.executionArn, index, running: this.counts.running });
    const outcome = await child.closed;
    this.running.delete(child);
    this.counts.running--;
    const key = ({ SUCCEEDED: 'succeeded', FAILED: 'failed', TIMED_OUT: 'timedOut', ABORTED: 'aborted' } as const)[outcome.status];
    this.counts[key]++;
    this.host.emit('MapRunChildClosed', { mapRunArn: this.mapRunArn, executionArn: child.executionArn, index, status: outcome.status, running: this.counts.running });
    if (outcome.status === 'SUCCEEDED') return outcome.output === undefined ? null : (JSON.parse(outcome.output) as Json);
    if (this.status === 'RUNNING' && this.overThreshold()) {
      this.stop(`${this.failures()} of ${this.counts.total} child executions failed, more than tolerated (ToleratedFailurePercentage ${this.toleratedFailurePercentage}, ToleratedFailureCount ${this.toleratedFailureCount})`);
    }
    return { Error: outcome.error ?? outcome.status, Cause: outcome.cause ?? '' };
  }

  private failures(): number {
    return this.counts.failed + this.counts.timedOut + this.counts.aborted;
  }

  /**
   * Either limit that the state sets, once exceeded, fails the run (Step Functions: "if you
   * specify both, the Map Run fails when either is exceeded"); with neither set, one failure does.
   */
  private overThreshold(): boolean {
    const failed = this.failures();
    const byCount = this.countSet && failed > this.toleratedFailureCount;
    const byPercentage = this.percentageSet && (failed * 100) / this.counts.total > this.toleratedFailurePercentage;
    return this.countSet || this.percentageSet ? byCount || byPercentage : failed > 0;
  }

  private stop(cause: string): void {
    this.stopping ??= cause;
    for (const child of this.running) child.abort(cause);
  }

  private finish(status: MapRunStatus): void {
    if (this.stopDate) return;
    this.status = status;
    this.stopDate = new Date();
    this.host.emit(`MapRun${status.charAt(0)}${status.slice(1).toLowerCase()}`, { mapRunArn: this.mapRunArn, counts: { ...this.counts } });
  }

  private async readItems(input: Json): Promise<Json[]> {
    const { itemReader, itemsPath } = this.plan;
    if (!itemReader) {
      const items = await evaluatePath(itemsPath ?? '$', input);
      if (!Array.isArray(items)) throw statesError('States.Runtime', `ItemsPath ${itemsPath ?? '$'} did not select an array`);
      return items;
    }
    const parameters = itemReader.Parameters && typeof itemReader.Parameters === 'object' ? await evaluateTemplate(itemReader.Parameters as JsonObject, input, {}) : {};
    const { Bucket: bucket, Key: key } = (parameters ?? {}) as JsonObject;
    if (typeof bucket !== 'string' || typeof key !== 'string') throw statesError('States.ItemReaderFailed', 'ItemReader Parameters must resolve to a string Bucket and Key');
    let text: string;
    try {
      text = await this.host.readS3Object(bucket, key);
    } catch (error) {
      throw statesError('States.ItemReaderFailed', `s3:getObject s3://${bucket}/${key}: ${(error as Error).message}`);
    }
    let items: unknown;
    try {
      items = JSON.parse(text);
    } catch (error) {
      throw statesError('States.ItemReaderFailed', `s3://${bucket}/${key} is not JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(items)) throw statesError('States.ItemReaderFailed', `s3://${bucket}/${key} does not hold a JSON array`);
    const config = (itemReader.ReaderConfig ?? {}) as JsonObject;
    const maxItems = typeof config.MaxItems === 'number' ? config.MaxItems : typeof config.MaxItemsPath === 'string' ? Number(await evaluatePath(config.MaxItemsPath, input)) : 0;
    return maxItems > 0 ? (items as Json[]).slice(0, maxItems) : (items as Json[]);
  }

  private async numberSetting(value: number | undefined, path: string | undefined, input: Json, name: string): Promise<number> {
    if (path === undefined) return value ?? 0;
    const resolved = await evaluatePath(path, input);
    if (typeof resolved !== 'number' || !Number.isInteger(resolved) || resolved < 0) throw statesError('States.Runtime', `${name}Path ${path} must select a non-negative integer, got ${JSON.stringify(resolved)}`);
    return resolved;
  }
}

/**
 * A payload template (`"key.$": "$.path"`, `$$.` context paths, intrinsic functions) evaluated
 * by the library itself: a one-state machine whose Pass state has the template as Parameters,
 * so ItemSelector and ItemReader Parameters mean exactly what they mean in a Task or Pass.
 */
const passMachines = new WeakMap<JsonObject, StateMachine>();
async function evaluateTemplate(template: JsonObject, input: Json, context: JsonObject): Promise<Json> {
  let machine = passMachines.get(template);
  if (!machine) {
    const definition = { StartAt: 'Evaluate', States: { Evaluate: { Type: 'Pass', Parameters: template, End: true } } };
    // A JSON copy: the library resolves templates only in objects of its own realm (see prepareDefinition).
    machine = new StateMachine(JSON.parse(JSON.stringify(definition)) as StateMachineDefinition, { validationOptions: { noValidate: true } });
    passMachines.set(template, machine);
  }
  try {
    return (await machine.run(JSON.parse(JSON.stringify(input)) as Json, { context }).result) as Json;
  } catch (error) {
    throw statesError('States.Runtime', `evaluating ${JSON.stringify(template)}: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`);
  }
}

const pathTemplates = new Map<string, JsonObject>();
async function evaluatePath(path: string, input: Json): Promise<Json> {
  let template = pathTemplates.get(path);
  if (!template) pathTemplates.set(path, (template = { 'value.$': path }));
  return ((await evaluateTemplate(template, input, {})) as JsonObject).value ?? null;
}

/** An error the library's Retry/Catch match by name (see stateError in local-step-functions.ts). */
function statesError(name: string, cause: string): Error {
  const error = new Error(cause);
  error.name = name;
  return error;
}
