/**
 * Reading and preparing Amazon States Language definitions for aws-local-stepfunctions:
 * CDK-style `${Substitution}` replacement, validation with asl-validator, and the rewrites
 * that make the library behave like Step Functions (see `prepareDefinition`).
 */

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export const LAMBDA_INVOKE = 'lambda:invoke';
export const LAMBDA_INVOKE_CALLBACK = 'lambda:invoke.waitForTaskToken';

/**
 * Node timers overflow above 2^31-1 ms and then fire at once (TimeoutOverflowWarning), so
 * `"TimeoutSeconds": 99999999` (valid in ASL) would time out immediately. ~24.8 days is
 * "never" for a local run.
 */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/**
 * What `$$.Task.Token` resolves to inside the library. The Task handler replaces it with a
 * fresh token per invocation, so each Map iteration and each retry gets its own token.
 */
export const TASK_TOKEN_PLACEHOLDER = '__local-stepfunctions-task-token__';

/** Replaces every `${Name}` like CDK's `definitionSubstitutions` (plain text, before parsing). */
export function substitute(definition: string, substitutions: Record<string, string>): string {
  let result = definition;
  for (const [name, value] of Object.entries(substitutions)) result = result.split(`\${${name}}`).join(value);
  return result;
}

interface AslValidatorError {
  'Error code': string;
  Message: string;
}
type AslValidator = (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errors: AslValidatorError[] };

// asl-validator 4 ships no type declarations; this is the part of its API used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as AslValidator;

export interface AslValidation {
  valid: boolean;
  /** `CODE: message` lines, as asl-validator's `errorsText` prints them. */
  errors: string[];
}

/** Validates ASL (text or parsed) with asl-validator, checking JSONPaths and Task ARNs. */
export function validateAsl(definition: string | object): AslValidation {
  let parsed: unknown;
  try {
    // A fresh copy either way: asl-validator writes `QueryLanguage` into the states it checks.
    parsed = JSON.parse(typeof definition === 'string' ? definition : JSON.stringify(definition));
  } catch (error) {
    return { valid: false, errors: [`INVALID_JSON: ${(error as Error).message}`] };
  }
  const { isValid, errors } = aslValidator(parsed, { checkPaths: true, checkArn: true });
  return { valid: isValid, errors: errors.map((error) => `${error['Error code']}: ${error.Message}`) };
}

export type TaskKind = 'lambdaInvoke' | 'lambdaCallback' | 'lambdaResource';

export interface TaskPlan {
  stateName: string;
  kind: TaskKind;
  resource: string;
  /** The function a `lambdaResource` Task names, or a literal `Parameters.FunctionName`. */
  functionName?: string;
  /** Scaled `HeartbeatSeconds` of a callback Task. */
  heartbeatMs?: number;
  /** Scaled `TimeoutSeconds` of a callback Task (the library enforces it; this retires the token). */
  timeoutMs?: number;
}

export interface PreparedDefinition {
  /** The definition to hand to the library (already validated in its original form). */
  definition: JsonObject;
  tasks: TaskPlan[];
  waitTimeOverrides: Record<string, number>;
  /** Map states in DISTRIBUTED mode, each replaced in `definition` by a Task this runtime serves. */
  distributedMaps: DistributedMapPlan[];
  /** What this runtime cannot run; the caller refuses the state machine if any. */
  problems: string[];
}

/**
 * A Map state in DISTRIBUTED mode. The library runs every Map inline, inside the parent's
 * execution; Step Functions runs each item as a child execution of its own (a map run), reading
 * the items from S3 with an ItemReader. So the state becomes a Task of this runtime (same name,
 * same InputPath/ResultSelector/ResultPath/OutputPath/Retry/Catch/Next) and the fields below,
 * as written, drive the map run; the ItemProcessor is prepared as a machine of its own.
 */
export interface DistributedMapPlan {
  stateName: string;
  /** Map run label (`Label`, or the state name). */
  label: string;
  itemReader?: JsonObject;
  itemsPath?: string;
  /** `ItemSelector` (or the older `Parameters`): a payload template per item. */
  itemSelector?: JsonObject;
  maxConcurrency?: number;
  maxConcurrencyPath?: string;
  toleratedFailurePercentage?: number;
  toleratedFailurePercentagePath?: string;
  toleratedFailureCount?: number;
  toleratedFailureCountPath?: string;
  /** The child executions' machine: `StartAt` and `States` of the ItemProcessor, prepared like any machine. */
  processor: PreparedDefinition;
}

/** The Resource of the Task a distributed Map becomes (never sent anywhere: served by its state name). */
export const DISTRIBUTED_MAP_RESOURCE = 'arn:aws:states:::local:distributedMap';
/** Fields a Map state shares with a Task state; everything else is the map run's. */
const MAP_FIELDS_KEPT = ['Comment', 'InputPath', 'ResultSelector', 'ResultPath', 'OutputPath', 'Retry', 'Catch', 'Next', 'End'];

/**
 * Walks every state (Map ItemProcessor/Iterator and Parallel branches included) and returns
 * a copy of the definition rewritten for the library, plus per-state overrides:
 * - callback Tasks: `TimeoutSeconds` scaled by `waitTimeScale`; `HeartbeatSeconds` (ignored by
 *   the library) is returned scaled so the Task handler enforces it;
 * - every Task: an explicit `TimeoutSeconds`, because the library otherwise times any Task
 *   out after 60 s where Step Functions has no default limit;
 * - `Retry`: `IntervalSeconds`/`MaxDelaySeconds` scaled in the definition. The library's
 *   `retryIntervalOverrides` can only set a fixed pause, which would drop `BackoffRate`;
 *   scaling the fields keeps exponential backoff and jitter as written;
 * - `Wait` with `Seconds`: a `waitTimeOverrides` entry of Seconds × scale (ms).
 * Lambda Task timeouts are real compute time and are not scaled.
 */
export function prepareDefinition(source: JsonObject, waitTimeScale: number): PreparedDefinition {
  // Not structuredClone: under jest that builds objects of another realm, and the library only
  // resolves Parameters templates nested in objects whose prototype is its own Object.prototype.
  const definition = JSON.parse(JSON.stringify(source)) as JsonObject;
  const prepared: PreparedDefinition = { definition, tasks: [], waitTimeOverrides: {}, distributedMaps: [], problems: [] };
  if (definition.QueryLanguage === 'JSONata') prepared.problems.push('QueryLanguage JSONata is not supported locally (aws-local-stepfunctions ignores it); use JSONPath');
  const topTimeout = numberField(definition, 'TimeoutSeconds');
  if (topTimeout !== undefined) definition.TimeoutSeconds = Math.min(topTimeout, MAX_TIMER_SECONDS);
  visitMachine(definition, waitTimeScale, prepared);
  return prepared;
}

function visitMachine(machine: JsonObject, scale: number, prepared: PreparedDefinition): void {
  const states = objectField(machine, 'States');
  if (!states) return;
  for (const [stateName, value] of Object.entries(states)) {
    const state = asObject(value);
    if (!state) continue;
    if (state.QueryLanguage === 'JSONata') prepared.problems.push(`state "${stateName}": QueryLanguage JSONata is not supported locally; use JSONPath`);
    scaleRetries(state, scale);
    switch (state.Type) {
      case 'Task':
        prepareTask(stateName, state, scale, prepared);
        break;
      case 'Wait': {
        const seconds = numberField(state, 'Seconds');
        if (seconds !== undefined) prepared.waitTimeOverrides[stateName] = seconds * 1000 * scale;
        break;
      }
      case 'Map': {
        const processor = objectField(state, 'ItemProcessor') ?? objectField(state, 'Iterator');
        if (objectField(processor ?? {}, 'ProcessorConfig')?.Mode === 'DISTRIBUTED') {
          states[stateName] = prepareDistributedMap(stateName, state, processor!, scale, prepared);
        } else if (processor) {
          visitMachine(processor, scale, prepared);
        }
        break;
      }
      case 'Parallel':
        for (const branch of Array.isArray(state.Branches) ? state.Branches : []) {
          const branchMachine = asObject(branch);
          if (branchMachine) visitMachine(branchMachine, scale, prepared);
        }
        break;
      default:
        break;
    }
  }
}

/** Records the map run's plan and returns the Task that stands in the Map's place. */
function prepareDistributedMap(stateName: string, state: JsonObject, processor: JsonObject, scale: number, prepared: PreparedDefinition): JsonObject {
  const { ProcessorConfig: _config, ...machine } = processor;
  const child = prepareDefinition(machine, scale);
  prepared.problems.push(...child.problems);
  const unsupported = ['ItemBatcher', 'ResultWriter'].filter((field) => state[field] !== undefined);
  for (const field of unsupported) prepared.problems.push(`state "${stateName}": ${field} is not supported locally`);
  const reader = objectField(state, 'ItemReader');
  if (reader) {
    const inputType = objectField(reader, 'ReaderConfig')?.InputType;
    if (reader.Resource !== 'arn:aws:states:::s3:getObject' || (inputType !== undefined && inputType !== 'JSON')) {
      prepared.problems.push(`state "${stateName}": only an ItemReader of arn:aws:states:::s3:getObject with InputType JSON is supported locally`);
    }
  }
  const plan: DistributedMapPlan = { stateName, label: typeof state.Label === 'string' ? state.Label : stateName, processor: child };
  if (reader) plan.itemReader = reader;
  if (typeof state.ItemsPath === 'string') plan.itemsPath = state.ItemsPath;
  const selector = objectField(state, 'ItemSelector') ?? objectField(state, 'Parameters');
  if (selector) plan.itemSelector = selector;
  for (const field of ['MaxConcurrency', 'ToleratedFailurePercentage', 'ToleratedFailureCount'] as const) {
    const value = numberField(state, field);
    const path = state[`${field}Path`];
    const key = (field.charAt(0).toLowerCase() + field.slice(1)) as 'maxConcurrency' | 'toleratedFailurePercentage' | 'toleratedFailureCount';
    if (value !== undefined) plan[key] = value;
    if (typeof path === 'string') plan[`${key}Path`] = path;
  }
  prepared.distributedMaps.push(plan);
  const task: JsonObject = { Type: 'Task', Resource: DISTRIBUTED_MAP_RESOURCE, TimeoutSeconds: MAX_TIMER_SECONDS };
  for (const field of MAP_FIELDS_KEPT) if (state[field] !== undefined) task[field] = state[field]!;
  return task;
}

function prepareTask(stateName: string, state: JsonObject, scale: number, prepared: PreparedDefinition): void {
  const resource = typeof state.Resource === 'string' ? state.Resource : '';
  const kind = taskKind(resource);
  if (!kind) {
    prepared.problems.push(`state "${stateName}": resource ${resource || '(none)'} is not supported locally (only Lambda: lambda:invoke, lambda:invoke.waitForTaskToken, a function ARN)`);
    return;
  }
  const plan: TaskPlan = { stateName, kind, resource };
  if (kind === 'lambdaResource') plan.functionName = resource;
  const parameters = objectField(state, 'Parameters');
  if (kind !== 'lambdaResource' && typeof parameters?.FunctionName === 'string') plan.functionName = parameters.FunctionName;

  const timeout = numberField(state, 'TimeoutSeconds');
  if (kind === 'lambdaCallback') {
    if (timeout !== undefined) {
      const seconds = scaledSeconds(timeout, scale);
      state.TimeoutSeconds = seconds;
      plan.timeoutMs = seconds * 1000;
    }
    const heartbeat = numberField(state, 'HeartbeatSeconds');
    if (heartbeat !== undefined) plan.heartbeatMs = scaledSeconds(heartbeat, scale) * 1000;
    if (state.HeartbeatSecondsPath !== undefined) prepared.problems.push(`state "${stateName}": HeartbeatSecondsPath is not supported locally; use HeartbeatSeconds`);
  } else if (timeout !== undefined) {
    state.TimeoutSeconds = Math.min(timeout, MAX_TIMER_SECONDS);
  }
  if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) state.TimeoutSeconds = MAX_TIMER_SECONDS;
  prepared.tasks.push(plan);
}

function taskKind(resource: string): TaskKind | undefined {
  const integration = /^arn:[\w-]+:states:::(.+)$/.exec(resource)?.[1];
  if (integration === LAMBDA_INVOKE) return 'lambdaInvoke';
  if (integration === LAMBDA_INVOKE_CALLBACK) return 'lambdaCallback';
  if (/^arn:[\w-]+:lambda:[\w-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$/.test(resource)) return 'lambdaResource';
  return undefined;
}

function scaleRetries(state: JsonObject, scale: number): void {
  if (!Array.isArray(state.Retry)) return;
  for (const value of state.Retry) {
    const retrier = asObject(value);
    if (!retrier) continue;
    // 1 s is the ASL default the library would otherwise apply unscaled.
    retrier.IntervalSeconds = (numberField(retrier, 'IntervalSeconds') ?? 1) * scale;
    const maxDelay = numberField(retrier, 'MaxDelaySeconds');
    // The library treats a MaxDelaySeconds of 0 as "no cap"; keep a scaled cap above zero.
    if (maxDelay !== undefined) retrier.MaxDelaySeconds = Math.max(maxDelay * scale, 0.001);
  }
}

/** Scaled, at least 1 ms (0 would mean "use the default" to the library), at most MAX_TIMER_SECONDS. */
function scaledSeconds(seconds: number, scale: number): number {
  return Math.min(Math.max(seconds * scale, 0.001), MAX_TIMER_SECONDS);
}

export function asObject(value: Json | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function objectField(object: JsonObject, key: string): JsonObject | undefined {
  return asObject(object[key]);
}

function numberField(object: JsonObject, key: string): number | undefined {
  const value = object[key];
  return typeof value === 'number' ? value : undefined;
}
