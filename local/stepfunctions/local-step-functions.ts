// Before the library: it needs Promise.withResolvers, which Node 20 lacks.
import './polyfill';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { types } from 'node:util';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type RunOptions,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import {
  asObject,
  prepareDefinition,
  type DistributedMapPlan,
  type PreparedDefinition,
  substitute,
  TASK_TOKEN_PLACEHOLDER,
  validateAsl,
  type Json,
  type JsonObject,
  type TaskPlan,
} from './asl';
import { MapRun, type ChildOutcome, type ChildRun } from './distributed-map';
import { AwsServiceError, epochSeconds, LOCAL_ACCOUNT, optionalString, requiredString, serveAwsJson } from '../aws-json-server';
import { closeServer, listenOn } from '../http-server';

/** Step Functions' own request limit is 1 MB; inputs and outputs are capped at 256 KB each. */
const MAX_BODY_BYTES = 1024 * 1024;

export type LambdaFunction = (payload: unknown) => Promise<unknown>;

export interface LocalStateMachine {
  /** e.g. 'weapp-fleet-release' */
  name: string;
  /** arn:aws:states:local:000000000000:stateMachine:<name> */
  arn: string;
  /** ASL JSON text; may contain `${Substitution}` placeholders. */
  definition: string;
  /** Replaced before parsing, like CDK's `definitionSubstitutions`. */
  substitutions: Record<string, string>;
  /** Lambda functions by the FunctionName the ASL uses after substitution (an ARN or a name). */
  functions: Record<string, LambdaFunction>;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/**
 * `type` is one of aws-local-stepfunctions' event-log types (ExecutionStarted, StateEntered,
 * StateExited, StateFailed, StateRetried, StateCaught, MapIteration*, ParallelBranch*,
 * ExecutionSucceeded/Failed/Aborted/Timeout; `detail` is that event) or one of this runtime's
 * callback-task events: TaskSubmitted, TaskSucceeded, TaskFailed, TaskTimedOut, TaskHeartbeat,
 * LambdaAsyncInvocationFailed.
 */
export interface ExecutionEvent {
  executionArn: string;
  type: string;
  detail: unknown;
}

export interface LocalStepFunctionsOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  stateMachines: LocalStateMachine[];
  /**
   * Multiplies waiting time: Wait `Seconds`, Retry `IntervalSeconds`/`MaxDelaySeconds`, and
   * `HeartbeatSeconds`/`TimeoutSeconds` of `.waitForTaskToken` Tasks. Default 1.
   */
  waitTimeScale?: number;
  onExecutionEvent?: (event: ExecutionEvent) => void;
  /**
   * The ItemReader's `s3:getObject` for distributed Map states: the object's text. Without it a
   * map run with an ItemReader fails with States.ItemReaderFailed.
   */
  readS3Object?: (bucket: string, key: string) => Promise<string>;
}

type Overrides = NonNullable<RunOptions['overrides']>;
type TaskHandlers = NonNullable<Overrides['taskResourceLocalHandlers']>;

interface DeployedMachine {
  name: string;
  arn: string;
  runner: StateMachine;
  tasks: TaskPlan[];
  waitTimeOverrides: Record<string, number>;
  functions: Record<string, LambdaFunction>;
  /** Distributed Map states by name, each with the machine its child executions run. */
  distributedMaps: Map<string, { plan: DistributedMapPlan; child: DeployedMachine }>;
}

interface Execution {
  executionArn: string;
  name: string;
  machine: DeployedMachine;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  abort: () => void;
  pending: Set<CallbackTask>;
  /** A child execution of a distributed Map: the map run it belongs to. */
  mapRunArn?: string;
  /** Map runs this execution started (distributed Map states). */
  mapRuns: MapRun[];
  /** Resolves once the execution is closed, however it ended. */
  closed: Promise<void>;
  markClosed: () => void;
}

interface CallbackTask {
  token: string;
  stateName: string;
  execution: Execution;
  settled: boolean;
  resolve: (output: Json) => void;
  reject: (error: Error) => void;
  heartbeatMs?: number;
  heartbeatTimer?: NodeJS.Timeout;
  timeoutTimer?: NodeJS.Timeout;
}

type TaskOutcome = { output: Json } | { error: Error; event: 'TaskFailed' | 'TaskTimedOut' | 'ExecutionClosed' };

/**
 * Step Functions on one machine: the JSON 1.0 protocol `@aws-sdk/client-sfn` speaks, in
 * front of aws-local-stepfunctions running the same ASL CDK deploys, with every Lambda Task
 * served by a local function and `.waitForTaskToken` emulated with real task tokens.
 */
export class LocalStepFunctions {
  private server: Server | undefined;
  private readonly machines = new Map<string, DeployedMachine>();
  private readonly executions = new Map<string, Execution>();
  private readonly tasks = new Map<string, CallbackTask>();
  private readonly mapRuns = new Map<string, MapRun>();
  /** Tokens whose task is over: Step Functions answers TaskTimedOut for these, InvalidToken for strangers. */
  private readonly retiredTokens = new Set<string>();
  private readonly waitTimeScale: number;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.waitTimeScale = options.waitTimeScale ?? 1;
    if (!Number.isFinite(this.waitTimeScale) || this.waitTimeScale < 0) throw new Error(`waitTimeScale must be a finite number >= 0, got ${this.waitTimeScale}`);
  }

  /** Deploys the state machines (refusing any this runtime cannot run) and listens. */
  async start(): Promise<string> {
    if (this.server) return this.url;
    for (const config of this.options.stateMachines) {
      const machine = deploy(config, this.waitTimeScale);
      if (this.machines.has(machine.arn)) throw new Error(`state machine ${machine.arn} is defined twice`);
      this.machines.set(machine.arn, machine);
    }
    const server = createServer(
      serveAwsJson({
        name: 'Step Functions',
        targetPrefix: 'AWSStepFunctions.',
        jsonVersion: '1.0',
        maxBodyBytes: MAX_BODY_BYTES,
        internalErrorType: 'InternalFailure',
        // A parsed JSON body holds nothing but JSON values.
        operation: (name) => {
          const operation = this.operation(name);
          return operation && ((input) => operation(input as JsonObject));
        },
      }),
    );
    server.keepAliveTimeout = 5000;
    await listenOn(server, this.options.port, this.options.host ?? '127.0.0.1');
    this.server = server;
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('local Step Functions not started');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /** Aborts every running execution (so no timer outlives the server) and closes the port. */
  async stop(): Promise<void> {
    for (const execution of this.executions.values()) {
      if (execution.status === 'RUNNING') this.abortExecution(execution, undefined, 'local Step Functions stopped');
    }
    const server = this.server;
    this.server = undefined;
    this.machines.clear();
    if (!server) return;
    await closeServer(server);
  }

  private operation(name: string): ((request: JsonObject) => JsonObject) | undefined {
    switch (name) {
      case 'StartExecution':
        return (request) => this.startExecution(request);
      case 'DescribeExecution':
        return (request) => this.describeExecution(request);
      case 'StopExecution':
        return (request) => this.stopExecution(request);
      case 'ListExecutions':
        return (request) => this.listExecutions(request);
      case 'DescribeMapRun':
        return (request) => this.describeMapRun(request);
      case 'ListMapRuns':
        return (request) => this.listMapRuns(request);
      case 'SendTaskSuccess':
        return (request) => this.sendTaskSuccess(request);
      case 'SendTaskFailure':
        return (request) => this.sendTaskFailure(request);
      case 'SendTaskHeartbeat':
        return (request) => this.sendTaskHeartbeat(request);
      default:
        return undefined;
    }
  }

  // ---------------------------------------------------------------- operations

  private startExecution(request: JsonObject): JsonObject {
    const machine = this.machine(requiredString(request, 'stateMachineArn'));
    const name = optionalString(request, 'name') ?? randomUUID();
    if (!isValidName(name)) throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
    const input = optionalString(request, 'input') ?? '{}';
    let parsedInput: Json;
    try {
      parsedInput = JSON.parse(input) as Json;
    } catch (error) {
      throw new AwsServiceError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${(error as Error).message}'`);
    }
    const executionArn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // Step Functions' idempotency (Standard workflows): the same name and input as a RUNNING
      // execution answers that execution; a closed one or a different input is an error.
      if (existing.status === 'RUNNING' && existing.input === input) return { executionArn, startDate: epochSeconds(existing.startDate) };
      throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const execution = newExecution(executionArn, name, machine, input);
    this.executions.set(executionArn, execution);
    this.run(execution, parsedInput);
    return { executionArn, startDate: epochSeconds(execution.startDate) };
  }

  private describeExecution(request: JsonObject): JsonObject {
    const execution = this.execution(requiredString(request, 'executionArn'));
    const answer: JsonObject = {
      executionArn: execution.executionArn,
      stateMachineArn: execution.machine.arn,
      name: execution.name,
      status: execution.status,
      startDate: epochSeconds(execution.startDate),
      input: execution.input,
      inputDetails: { included: true },
    };
    if (execution.mapRunArn) answer.mapRunArn = execution.mapRunArn;
    if (execution.stopDate) answer.stopDate = epochSeconds(execution.stopDate);
    if (execution.output !== undefined) {
      answer.output = execution.output;
      answer.outputDetails = { included: true };
    }
    if (execution.error !== undefined) answer.error = execution.error;
    if (execution.cause !== undefined) answer.cause = execution.cause;
    return answer;
  }

  private stopExecution(request: JsonObject): JsonObject {
    const execution = this.execution(requiredString(request, 'executionArn'));
    if (execution.status === 'RUNNING') this.abortExecution(execution, optionalString(request, 'error'), optionalString(request, 'cause'));
    return { stopDate: epochSeconds(execution.stopDate ?? new Date()) };
  }

  /** The executions of a state machine, or (`mapRunArn`) the child executions of a map run. */
  private listExecutions(request: JsonObject): JsonObject {
    const mapRunArn = optionalString(request, 'mapRunArn');
    const stateMachineArn = optionalString(request, 'stateMachineArn');
    if ((mapRunArn === undefined) === (stateMachineArn === undefined)) throw new AwsServiceError('ValidationException', 'Exactly one of stateMachineArn and mapRunArn is required');
    const mapRun = mapRunArn === undefined ? undefined : this.mapRun(mapRunArn);
    const machine = stateMachineArn === undefined ? undefined : this.machine(stateMachineArn);
    const statusFilter = optionalString(request, 'statusFilter');
    if (statusFilter && !['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'].includes(statusFilter)) {
      throw new AwsServiceError('ValidationException', `1 validation error detected: Value '${statusFilter}' at 'statusFilter' failed to satisfy constraint`);
    }
    const maxResults = typeof request.maxResults === 'number' && request.maxResults > 0 ? Math.min(request.maxResults, 1000) : 100;
    const nextToken = optionalString(request, 'nextToken');
    const offset = nextToken === undefined ? 0 : Number(Buffer.from(nextToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0) throw new AwsServiceError('InvalidToken', 'Invalid Token');
    // Most recent first, as Step Functions lists them.
    const candidates = mapRun ? mapRun.children.map((arn) => this.executions.get(arn)!) : [...this.executions.values()].filter((execution) => execution.machine === machine);
    const matching = candidates.filter((execution) => !statusFilter || execution.status === statusFilter).reverse();
    const page = matching.slice(offset, offset + maxResults);
    const answer: JsonObject = {
      executions: page.map((execution) => {
        const item: JsonObject = {
          executionArn: execution.executionArn,
          stateMachineArn: execution.machine.arn,
          name: execution.name,
          status: execution.status,
          startDate: epochSeconds(execution.startDate),
        };
        if (execution.stopDate) item.stopDate = epochSeconds(execution.stopDate);
        if (execution.mapRunArn) item.mapRunArn = execution.mapRunArn;
        return item;
      }),
    };
    if (offset + maxResults < matching.length) answer.nextToken = Buffer.from(String(offset + maxResults)).toString('base64url');
    return answer;
  }

  private describeMapRun(request: JsonObject): JsonObject {
    return this.mapRun(requiredString(request, 'mapRunArn')).describe();
  }

  private listMapRuns(request: JsonObject): JsonObject {
    const execution = this.execution(requiredString(request, 'executionArn'));
    return {
      mapRuns: execution.mapRuns.map((run) => ({ mapRunArn: run.mapRunArn, executionArn: run.executionArn, stateMachineArn: run.stateMachineArn, startDate: epochSeconds(run.startDate), ...(run.stopDate ? { stopDate: epochSeconds(run.stopDate) } : {}) })),
    };
  }

  private mapRun(arn: string): MapRun {
    if (!/^arn:[\w-]+:states:[\w-]+:\d{12}:mapRun:[^:]+:[^:]+$/.test(arn)) throw new AwsServiceError('InvalidArn', `Invalid Arn: '${arn}'`);
    const run = this.mapRuns.get(arn);
    if (!run) throw new AwsServiceError('ResourceNotFound', `Map Run Does Not Exist: '${arn}'`);
    return run;
  }

  private sendTaskSuccess(request: JsonObject): JsonObject {
    const task = this.task(requiredString(request, 'taskToken'));
    const text = requiredString(request, 'output');
    let output: Json;
    try {
      output = JSON.parse(text) as Json;
    } catch (error) {
      throw new AwsServiceError('InvalidOutput', `Invalid Output: '${(error as Error).message}'`);
    }
    this.finishTask(task, { output });
    return {};
  }

  private sendTaskFailure(request: JsonObject): JsonObject {
    const task = this.task(requiredString(request, 'taskToken'));
    const error = optionalString(request, 'error') ?? '';
    const cause = optionalString(request, 'cause') ?? '';
    this.finishTask(task, { error: stateError(error, cause), event: 'TaskFailed' });
    return {};
  }

  private sendTaskHeartbeat(request: JsonObject): JsonObject {
    const task = this.task(requiredString(request, 'taskToken'));
    this.armHeartbeat(task);
    this.emit(task.execution, 'TaskHeartbeat', { stateName: task.stateName });
    return {};
  }

  private machine(arn: string): DeployedMachine {
    if (!/^arn:[\w-]+:states:[\w-]+:\d{12}:stateMachine:[^:]+$/.test(arn)) throw new AwsServiceError('InvalidArn', `Invalid Arn: '${arn}'`);
    const machine = this.machines.get(arn);
    if (!machine) throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  private execution(arn: string): Execution {
    if (!/^arn:[\w-]+:states:[\w-]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn)) throw new AwsServiceError('InvalidArn', `Invalid Arn: '${arn}'`);
    const execution = this.executions.get(arn);
    if (!execution) throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  }

  private task(token: string): CallbackTask {
    const task = this.tasks.get(token);
    if (task) return task;
    if (this.retiredTokens.has(token)) throw new AwsServiceError('TaskTimedOut', 'Task Timed Out: Provided task does not exist anymore');
    throw new AwsServiceError('InvalidToken', 'Invalid Token');
  }

  // ---------------------------------------------------------------- running

  private run(execution: Execution, input: Json): void {
    const machine = execution.machine;
    const taskResourceLocalHandlers: TaskHandlers = {};
    for (const plan of machine.tasks) {
      taskResourceLocalHandlers[plan.stateName] = (taskInput) => {
        const result = this.runTask(execution, plan, taskInput);
        // The library normally awaits this; if it drops it (its own code throwing first), a
        // late rejection must not become an unhandled rejection that kills `npm start`.
        result.catch(() => undefined);
        return result;
      };
    }
    for (const [stateName, distributed] of machine.distributedMaps) {
      taskResourceLocalHandlers[stateName] = (taskInput) => {
        const result = this.runMapRun(execution, distributed.plan, distributed.child, taskInput as Json);
        result.catch(() => undefined);
        return result;
      };
    }
    const run = machine.runner.run(input, {
      overrides: { taskResourceLocalHandlers, waitTimeOverrides: machine.waitTimeOverrides },
      // The library resolves `$$.…` against this; it sets Execution.Input and StartTime itself.
      context: {
        Execution: { Id: execution.executionArn, Name: execution.name, RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local-stepfunctions` },
        StateMachine: { Id: machine.arn, Name: machine.name },
        Task: { Token: TASK_TOKEN_PLACEHOLDER },
      },
    });
    execution.abort = run.abort;
    if (this.options.onExecutionEvent) this.forwardEvents(execution, run.eventLogs).catch(() => undefined);
    run.result.then(
      (output) => this.close(execution, { status: 'SUCCEEDED', output: JSON.stringify(output) }),
      (error: unknown) => this.close(execution, executionOutcome(error)),
    );
  }

  private async forwardEvents(execution: Execution, events: AsyncGenerator<{ type: string }>): Promise<void> {
    for await (const event of events) this.emit(execution, event.type, event);
  }

  private close(execution: Execution, outcome: Pick<Execution, 'status' | 'output' | 'error' | 'cause'>): void {
    // A StopExecution already closed it; the library's late verdict does not overwrite that.
    if (execution.status !== 'RUNNING') return;
    Object.assign(execution, outcome, { stopDate: new Date() });
    this.retireTasks(execution);
    this.abortMapRuns(execution, `parent execution ${execution.status}`);
    execution.markClosed();
  }

  /**
   * A distributed Map state: a map run whose every item is a child execution of `child` (own
   * ARN `…:execution:<machine>/<label>:<uuid>`, listed by ListExecutions with the mapRunArn,
   * not with the parent's stateMachineArn, as in Step Functions).
   */
  private async runMapRun(parent: Execution, plan: DistributedMapPlan, child: DeployedMachine, input: Json): Promise<Json> {
    if (parent.status !== 'RUNNING') throw finalError('ExecutionClosed', `execution ${parent.status}`);
    const mapRun = new MapRun(parent.executionArn, child.arn, plan, {
      readS3Object: (bucket, key) => {
        if (!this.options.readS3Object) return Promise.reject(new Error('no local S3 configured for ItemReader'));
        return this.options.readS3Object(bucket, key);
      },
      startChild: (run, childInput) => this.startChild(run, child, childInput),
      emit: (type, detail) => this.emit(parent, type, detail),
    });
    this.mapRuns.set(mapRun.mapRunArn, mapRun);
    parent.mapRuns.push(mapRun);
    return mapRun.run(input);
  }

  private startChild(mapRun: MapRun, machine: DeployedMachine, input: Json): ChildRun {
    const name = randomUUID();
    const executionArn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const execution = newExecution(executionArn, name, machine, JSON.stringify(input));
    execution.mapRunArn = mapRun.mapRunArn;
    this.executions.set(executionArn, execution);
    this.run(execution, input);
    return {
      executionArn,
      closed: execution.closed.then((): ChildOutcome => ({ status: execution.status as ChildOutcome['status'], output: execution.output, error: execution.error, cause: execution.cause })),
      abort: (cause) => {
        if (execution.status === 'RUNNING') this.abortExecution(execution, 'States.Aborted', cause);
      },
    };
  }

  private abortMapRuns(execution: Execution, cause: string): void {
    for (const run of execution.mapRuns) run.abort(cause);
  }

  private abortExecution(execution: Execution, error: string | undefined, cause: string | undefined): void {
    execution.status = 'ABORTED';
    execution.stopDate = new Date();
    if (error !== undefined) execution.error = error;
    if (cause !== undefined) execution.cause = cause;
    this.retireTasks(execution);
    this.abortMapRuns(execution, 'parent execution aborted');
    execution.abort();
    execution.markClosed();
  }

  /** Waiting callback tasks of a closed execution end; their tokens answer TaskTimedOut from now on. */
  private retireTasks(execution: Execution): void {
    for (const task of [...execution.pending]) {
      this.finishTask(task, { error: finalError('ExecutionClosed', `execution ${execution.status}`), event: 'ExecutionClosed' });
    }
  }

  private async runTask(execution: Execution, plan: TaskPlan, input: Json): Promise<Json> {
    // The library re-enters states after an abort (a pending Retry, queued Map iterations):
    // never call a function for an execution that is over.
    if (execution.status !== 'RUNNING') throw finalError('ExecutionClosed', `execution ${execution.status}`);
    const machine = execution.machine;
    if (plan.kind === 'lambdaResource') return invokeFunction(lookupFunction(machine, plan.resource), input);
    const parameters = asObject(input);
    const functionName = parameters?.FunctionName;
    if (!parameters || typeof functionName !== 'string') throw finalError('States.Runtime', `state "${plan.stateName}": Parameters.FunctionName must be a string`);
    const fn = lookupFunction(machine, functionName);
    const payload = 'Payload' in parameters ? (parameters.Payload ?? null) : {};
    const asynchronous = parameters.InvocationType === 'Event';
    if (plan.kind === 'lambdaCallback') return this.runCallbackTask(execution, plan, fn, payload, asynchronous);
    if (asynchronous) {
      this.invokeDetached(execution, plan, fn, payload);
      return { Payload: '', StatusCode: 202 };
    }
    return { ExecutedVersion: '$LATEST', Payload: await invokeFunction(fn, payload), StatusCode: 200 };
  }

  /**
   * `.waitForTaskToken`: a fresh token per invocation replaces what `$$.Task.Token` resolved
   * to; the function's result is ignored and the state ends with SendTaskSuccess/Failure,
   * a missed heartbeat, a function error, or the end of the execution.
   */
  private runCallbackTask(execution: Execution, plan: TaskPlan, fn: LambdaFunction, template: Json, asynchronous: boolean): Promise<Json> {
    const token = randomBytes(48).toString('base64url');
    const payload = replaceText(template, TASK_TOKEN_PLACEHOLDER, token);
    return new Promise<Json>((resolve, reject) => {
      const task: CallbackTask = { token, stateName: plan.stateName, execution, settled: false, resolve, reject, heartbeatMs: plan.heartbeatMs };
      this.tasks.set(token, task);
      execution.pending.add(task);
      this.armHeartbeat(task);
      if (plan.timeoutMs !== undefined) {
        // The library enforces TimeoutSeconds itself, with a timer it starts right after this
        // handler returns, and fails the state with its genuine States.Timeout (which
        // States.TaskFailed does not match, unlike any error thrown from here). This timer only
        // retires the token: rejecting from it would, whenever it fires first on a busy
        // machine, end the state with an error the TaskFailed catcher takes.
        const timeoutMs = plan.timeoutMs;
        task.timeoutTimer = setTimeout(() => {
          if (this.retireTask(task)) this.emit(execution, 'TaskTimedOut', { stateName: task.stateName, error: 'States.Timeout', cause: `no SendTaskSuccess/Failure within ${timeoutMs} ms` });
        }, timeoutMs);
      }
      this.emit(execution, 'TaskSubmitted', { stateName: plan.stateName, taskToken: token });
      if (asynchronous) this.invokeDetached(execution, plan, fn, payload);
      else invokeFunction(fn, payload).catch((error: Error) => this.finishTask(task, { error, event: 'TaskFailed' }));
    });
  }

  private invokeDetached(execution: Execution, plan: TaskPlan, fn: LambdaFunction, payload: Json): void {
    invokeFunction(fn, payload).catch((error: Error) =>
      this.emit(execution, 'LambdaAsyncInvocationFailed', { stateName: plan.stateName, error: error.name, cause: error.message }),
    );
  }

  private armHeartbeat(task: CallbackTask): void {
    if (task.heartbeatMs === undefined || task.settled) return;
    clearTimeout(task.heartbeatTimer);
    const heartbeatMs = task.heartbeatMs;
    task.heartbeatTimer = setTimeout(
      () => this.finishTask(task, { error: stateError('States.HeartbeatTimeout', `no SendTaskHeartbeat within ${heartbeatMs} ms`), event: 'TaskTimedOut' }),
      heartbeatMs,
    );
  }

  /** Ends the task's bookkeeping (its token answers TaskTimedOut from now on); false if it had ended already. */
  private retireTask(task: CallbackTask): boolean {
    if (task.settled) return false;
    task.settled = true;
    clearTimeout(task.heartbeatTimer);
    clearTimeout(task.timeoutTimer);
    this.tasks.delete(task.token);
    this.retiredTokens.add(task.token);
    task.execution.pending.delete(task);
    return true;
  }

  private finishTask(task: CallbackTask, outcome: TaskOutcome): void {
    if (!this.retireTask(task)) return;
    if ('output' in outcome) {
      this.emit(task.execution, 'TaskSucceeded', { stateName: task.stateName, output: outcome.output });
      task.resolve(outcome.output);
    } else {
      if (outcome.event !== 'ExecutionClosed') this.emit(task.execution, outcome.event, { stateName: task.stateName, error: outcome.error.name, cause: outcome.error.message });
      task.reject(outcome.error);
    }
  }

  private emit(execution: Execution, type: string, detail: unknown): void {
    try {
      this.options.onExecutionEvent?.({ executionArn: execution.executionArn, type, detail });
    } catch (error) {
      process.stderr.write(`local stepfunctions: onExecutionEvent threw: ${(error as Error).message}\n`);
    }
  }
}

// ---------------------------------------------------------------- deploying

function deploy(config: LocalStateMachine, waitTimeScale: number): DeployedMachine {
  const match = /^arn:[\w-]+:states:[\w-]+:\d{12}:stateMachine:([^:]+)$/.exec(config.arn);
  if (!match || match[1] !== config.name) throw new Error(`state machine ${config.name}: arn ${config.arn} must be arn:aws:states:<region>:<account>:stateMachine:${config.name}`);
  const text = substitute(config.definition, config.substitutions);
  const leftover = /\$\{[^}]*\}/.exec(text);
  if (leftover) throw new Error(`state machine ${config.name}: no substitution for ${leftover[0]}`);
  const validation = validateAsl(text);
  if (!validation.valid) throw new Error(`state machine ${config.name} is not valid ASL:\n  ${validation.errors.join('\n  ')}`);
  const prepared = prepareDefinition(JSON.parse(text) as JsonObject, waitTimeScale);
  const problems = [...prepared.problems, ...missingFunctions(prepared, config.functions)];
  if (problems.length) throw new Error(`state machine ${config.name} cannot run locally:\n  ${problems.join('\n  ')}`);
  return machineFrom(config.name, config.arn, prepared, config.functions);
}

/** A runnable machine, and one for the child executions of each distributed Map in it. */
function machineFrom(name: string, arn: string, prepared: PreparedDefinition, functions: Record<string, LambdaFunction>): DeployedMachine {
  const distributedMaps = new Map<string, { plan: DistributedMapPlan; child: DeployedMachine }>();
  for (const plan of prepared.distributedMaps) {
    distributedMaps.set(plan.stateName, { plan, child: machineFrom(`${name}/${plan.label}`, `${arn}/${plan.label}`, plan.processor, functions) });
  }
  return {
    name,
    arn,
    // Validated above in its original form; the rewritten copy has scaled (fractional) times
    // the library's bundled validator would refuse.
    runner: new StateMachine(prepared.definition as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } }),
    tasks: prepared.tasks,
    waitTimeOverrides: prepared.waitTimeOverrides,
    functions,
    distributedMaps,
  };
}

function missingFunctions(prepared: PreparedDefinition, functions: Record<string, LambdaFunction>): string[] {
  const problems: string[] = [];
  for (const task of prepared.tasks) {
    if (task.functionName !== undefined && !findFunction(functions, task.functionName)) problems.push(`state "${task.stateName}": no local function for ${task.functionName}`);
  }
  for (const plan of prepared.distributedMaps) problems.push(...missingFunctions(plan.processor, functions));
  return problems;
}

function newExecution(executionArn: string, name: string, machine: DeployedMachine, input: string): Execution {
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  return { executionArn, name, machine, input, status: 'RUNNING', startDate: new Date(), abort: () => undefined, pending: new Set(), mapRuns: [], closed, markClosed };
}

/** Like Lambda, a function answers to its name, its ARN or a qualified ARN/name. */
function findFunction(functions: Record<string, LambdaFunction>, nameOrArn: string): LambdaFunction | undefined {
  const exact = functions[nameOrArn];
  if (exact) return exact;
  const wanted = functionNameOf(nameOrArn);
  return Object.entries(functions).find(([key]) => functionNameOf(key) === wanted)?.[1];
}

function functionNameOf(nameOrArn: string): string {
  const fromArn = /(?:^|:)function:([^:]+)/.exec(nameOrArn)?.[1];
  return fromArn ?? nameOrArn.split(':')[0] ?? nameOrArn;
}

function lookupFunction(machine: DeployedMachine, nameOrArn: string): LambdaFunction {
  const fn = findFunction(machine.functions, nameOrArn);
  // The error the lambda:invoke integration reports for a missing function.
  if (!fn) throw stateError('Lambda.ResourceNotFoundException', `Function not found: ${nameOrArn} (Service: Lambda, Status Code: 404)`);
  return fn;
}

// ---------------------------------------------------------------- Lambda semantics

/**
 * Calls a local function the way Lambda would: the payload and the result cross a JSON
 * boundary, and a thrown error becomes the States error named by its errorType (Lambda
 * reports `error.name`), with the cause `{"errorType","errorMessage"}` as a JSON string.
 */
async function invokeFunction(fn: LambdaFunction, payload: Json): Promise<Json> {
  try {
    const result = await fn(JSON.parse(JSON.stringify(payload)) as Json);
    const text = JSON.stringify(result);
    return text === undefined ? null : (JSON.parse(text) as Json);
  } catch (thrown) {
    throw functionError(thrown);
  }
}

function functionError(thrown: unknown): Error {
  // Duck-typed: errors from another realm (Node internals under jest) fail `instanceof Error`.
  const isError = types.isNativeError(thrown) || (typeof thrown === 'object' && thrown !== null && 'message' in thrown && 'name' in thrown);
  const errorType = isError ? String((thrown as Error).name || 'Error') : typeof thrown;
  const errorMessage = isError ? String((thrown as Error).message) : String(thrown);
  return stateError(errorType, JSON.stringify({ errorType, errorMessage }));
}

/**
 * aws-local-stepfunctions matches Retry/Catch `ErrorEquals` against `error.name` and puts
 * `{Error: error.name, Cause: error.message}` in the Catch output, so a States error is an
 * Error with those two set (and no `cause` property, which its event log would prefer).
 */
function stateError(name: string, cause: string): Error {
  const error = new Error(cause);
  error.name = name;
  return error;
}

/** The library reads `isRetryable`/`isCatchable` off the error: this one ends the execution. */
function finalError(name: string, cause: string): Error {
  return Object.assign(stateError(name, cause), { isRetryable: false, isCatchable: false });
}

function executionOutcome(error: unknown): Pick<Execution, 'status' | 'error' | 'cause'> {
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  if (error instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution exceeded its TimeoutSeconds' };
  const failure = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
  if (failure instanceof Error) return { status: 'FAILED', error: failure.name, cause: failure.message };
  return { status: 'FAILED', error: 'States.Runtime', cause: String(failure) };
}

/** Replaces `search` inside every string of a JSON value (keys untouched). */
function replaceText(value: Json, search: string, replacement: string): Json {
  if (typeof value === 'string') return value.split(search).join(replacement);
  if (Array.isArray(value)) return value.map((item) => replaceText(item, search, replacement));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceText(item, search, replacement)]));
  }
  return value;
}

// ---------------------------------------------------------------- protocol helpers

/** 1–80 characters; no whitespace, brackets, wildcards, `"#%\^|~`$&,;:/` or control characters. */
function isValidName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name.length >= 1 && name.length <= 80 && !/[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/.test(name);
}
