import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { LocalStepFunctions, type ExecutionEvent } from '../../../local/stepfunctions';
import { functionArn, machine, settled, sfnClient, sleep, stateMachineArn, until, WeChatApiError, WeChatRetryableError } from './helpers';

const INVOKE = 'arn:aws:states:::lambda:invoke';
const CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
/** Wait states, Retry intervals and callback timeouts run 1000× faster in these tests. */
const SCALE = 0.001;

// ------------------------------------------------------------------ definitions (ASL as text)

const PIPELINE = {
  Comment: 'Task → Map (MaxConcurrency 2) → Task',
  StartAt: 'Prepare',
  States: {
    Prepare: {
      Type: 'Task',
      Resource: INVOKE,
      Parameters: { FunctionName: '${PrepareFunctionArn}', 'Payload.$': '$' },
      ResultSelector: { 'items.$': '$.Payload.items', 'batch.$': '$.Payload.batch' },
      Next: 'Each',
    },
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 2,
      ItemSelector: { 'batch.$': '$.batch', 'value.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Double',
        States: {
          Double: {
            Type: 'Task',
            Resource: INVOKE,
            Parameters: { FunctionName: '${DoubleFunctionArn}', 'Payload.$': '$' },
            ResultSelector: { 'value.$': '$.Payload.value' },
            OutputPath: '$.value',
            End: true,
          },
        },
      },
      ResultPath: '$.doubled',
      Next: 'Sum',
    },
    Sum: {
      Type: 'Task',
      Resource: INVOKE,
      // A plain function name, while the function is registered by ARN: Lambda accepts both.
      Parameters: {
        FunctionName: 'test-sum',
        Payload: { 'values.$': '$.doubled', 'batch.$': '$.batch', 'execution.$': '$$.Execution.Name', 'machine.$': '$$.StateMachine.Name' },
      },
      ResultSelector: { 'total.$': '$.Payload.total', 'batch.$': '$.Payload.batch' },
      End: true,
    },
  },
};

const ERRORS = {
  StartAt: 'Flaky',
  States: {
    Flaky: {
      Type: 'Task',
      Resource: INVOKE,
      Parameters: { FunctionName: '${FlakyFunctionArn}', Payload: {} },
      ResultSelector: { 'attempts.$': '$.Payload.attempts' },
      ResultPath: '$.flaky',
      Retry: [
        { ErrorEquals: ['SomethingElse'], MaxAttempts: 5 },
        // Unscaled this would pause 2 s + 4 s.
        { ErrorEquals: ['WeChatRetryableError'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 },
      ],
      Next: 'Broken',
    },
    Broken: {
      Type: 'Task',
      Resource: INVOKE,
      Parameters: { FunctionName: '${BrokenFunctionArn}', 'Payload.$': '$' },
      Retry: [{ ErrorEquals: ['WeChatRetryableError'], MaxAttempts: 3 }],
      Catch: [
        { ErrorEquals: ['OtherError'], Next: 'WrongCatcher' },
        { ErrorEquals: ['WeChatApiError'], ResultPath: '$.error', Next: 'Handled' },
      ],
      Next: 'WrongCatcher',
    },
    WrongCatcher: { Type: 'Fail', Error: 'WrongPath', Cause: 'the wrong catcher or no error at all' },
    Handled: { Type: 'Pass', End: true },
  },
};

const UNCAUGHT = {
  StartAt: 'Explode',
  States: {
    Explode: { Type: 'Task', Resource: INVOKE, Parameters: { FunctionName: '${ExplodeFunctionArn}', Payload: {} }, End: true },
  },
};

const CALLBACK_AUDIT = {
  StartAt: 'WaitForAudit',
  States: {
    WaitForAudit: {
      Type: 'Task',
      Resource: CALLBACK,
      Parameters: { FunctionName: '${AwaitFunctionArn}', Payload: { step: 'awaitAudit', 'appId.$': '$.appId', 'taskToken.$': '$$.Task.Token' } },
      TimeoutSeconds: 3600,
      ResultPath: '$.audit',
      Catch: [{ ErrorEquals: ['AuditRejected'], ResultPath: '$.error', Next: 'Rejected' }],
      Next: 'Done',
    },
    Rejected: { Type: 'Pass', End: true },
    Done: { Type: 'Succeed' },
  },
};

const CALLBACK_HEARTBEAT = {
  StartAt: 'WaitForPush',
  States: {
    WaitForPush: {
      Type: 'Task',
      Resource: CALLBACK,
      Parameters: { FunctionName: '${AwaitFunctionArn}', Payload: { 'appId.$': '$.appId', 'taskToken.$': '$$.Task.Token' } },
      HeartbeatSeconds: 150,
      TimeoutSeconds: 3600,
      ResultPath: '$.audit',
      Catch: [{ ErrorEquals: ['States.Timeout', 'States.HeartbeatTimeout'], ResultPath: '$.timedOut', Next: 'PollAudit' }],
      Next: 'Done',
    },
    PollAudit: {
      Type: 'Task',
      Resource: INVOKE,
      Parameters: { FunctionName: '${PollFunctionArn}', Payload: { 'appId.$': '$.appId' } },
      ResultSelector: { 'status.$': '$.Payload.status' },
      ResultPath: '$.audit',
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

const CALLBACK_TIMEOUT = {
  StartAt: 'WaitForPush',
  States: {
    WaitForPush: {
      Type: 'Task',
      Resource: CALLBACK,
      Parameters: { FunctionName: '${AwaitFunctionArn}', Payload: { 'appId.$': '$.appId', 'taskToken.$': '$$.Task.Token' } },
      TimeoutSeconds: 100,
      ResultPath: '$.audit',
      Catch: [
        // Step Functions: States.TaskFailed matches every Task error except States.Timeout.
        { ErrorEquals: ['States.TaskFailed'], Next: 'WrongCatcher' },
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.timedOut', Next: 'Done' },
      ],
      Next: 'Done',
    },
    WrongCatcher: { Type: 'Fail', Error: 'WrongPath' },
    Done: { Type: 'Succeed' },
  },
};

const CALLBACK_MAP = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemsPath: '$.apps',
      MaxConcurrency: 10,
      ItemSelector: { 'appId.$': '$$.Map.Item.Value' },
      ItemProcessor: {
        StartAt: 'AwaitApp',
        States: {
          AwaitApp: {
            Type: 'Task',
            Resource: CALLBACK,
            Parameters: {
              FunctionName: '${AwaitFunctionArn}',
              Payload: { 'appId.$': '$.appId', 'taskToken.$': '$$.Task.Token', 'note.$': "States.Format('token={}', $$.Task.Token)" },
            },
            End: true,
          },
        },
      },
      End: true,
    },
  },
};

const STOPPABLE = {
  StartAt: 'WaitForever',
  States: {
    WaitForever: {
      Type: 'Task',
      Resource: CALLBACK,
      Parameters: { FunctionName: '${AwaitFunctionArn}', Payload: { 'appId.$': '$.appId', 'taskToken.$': '$$.Task.Token' } },
      Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 3, IntervalSeconds: 1 }],
      Next: 'After',
    },
    After: { Type: 'Pass', End: true },
  },
};

const RETRYING = {
  StartAt: 'AlwaysBusy',
  States: {
    AlwaysBusy: {
      Type: 'Task',
      Resource: INVOKE,
      Parameters: { FunctionName: '${BusyFunctionArn}', Payload: {} },
      // 3600 s × 0.001: the execution sits in a 3.6 s retry pause when it is stopped.
      Retry: [{ ErrorEquals: ['WeChatRetryableError'], IntervalSeconds: 3600, MaxAttempts: 2 }],
      End: true,
    },
  },
};

const WAIT = {
  StartAt: 'Pause',
  States: {
    Pause: { Type: 'Wait', Seconds: 100, Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

// ------------------------------------------------------------------ local functions

/** Payloads each function received, by function. */
const calls: Record<string, unknown[]> = {};
const record = (fn: string, payload: unknown): void => void (calls[fn] ??= []).push(payload);
/** Task tokens handed to the callback function, by appId. */
let tokens: Map<string, string[]>;
let flakyAttempts = 0;
let active = 0;
let maxActive = 0;

interface AwaitPayload {
  appId: string;
  taskToken: string;
  note?: string;
  step?: string;
}

const functions = {
  prepare: async (payload: unknown) => {
    record('prepare', payload);
    return { items: [1, 2, 3, 4, 5], batch: (payload as { batch: string }).batch };
  },
  double: async (payload: unknown) => {
    record('double', payload);
    active += 1;
    maxActive = Math.max(maxActive, active);
    await sleep(25);
    active -= 1;
    return { value: (payload as { value: number }).value * 2 };
  },
  sum: async (payload: unknown) => {
    record('sum', payload);
    const { values, batch } = payload as { values: number[]; batch: string };
    return { total: values.reduce((a, b) => a + b, 0), batch };
  },
  flaky: async () => {
    flakyAttempts += 1;
    if (flakyAttempts < 3) throw new WeChatRetryableError(`system busy (attempt ${flakyAttempts})`);
    return { attempts: flakyAttempts };
  },
  broken: async (payload: unknown) => {
    record('broken', payload);
    throw new WeChatApiError('errcode 85013: invalid domain');
  },
  explode: async () => {
    throw new TypeError('cannot read properties of undefined');
  },
  await: async (payload: unknown) => {
    const { appId, taskToken } = payload as AwaitPayload;
    record('await', payload);
    tokens.set(appId, [...(tokens.get(appId) ?? []), taskToken]);
    return { ignored: true };
  },
  busy: async (payload: unknown) => {
    record('busy', payload);
    throw new WeChatRetryableError('system busy');
  },
  poll: async (payload: unknown) => {
    record('poll', payload);
    return { status: 'polled' };
  },
};

const substitutions = {
  PrepareFunctionArn: functionArn('test-prepare'),
  DoubleFunctionArn: functionArn('test-double'),
  FlakyFunctionArn: functionArn('test-flaky'),
  BrokenFunctionArn: functionArn('test-broken'),
  ExplodeFunctionArn: functionArn('test-explode'),
  AwaitFunctionArn: functionArn('test-await'),
  PollFunctionArn: functionArn('test-poll'),
  BusyFunctionArn: functionArn('test-busy'),
};
const byArn = {
  [functionArn('test-prepare')]: functions.prepare,
  [functionArn('test-double')]: functions.double,
  [functionArn('test-sum')]: functions.sum,
  [functionArn('test-flaky')]: functions.flaky,
  [functionArn('test-broken')]: functions.broken,
  [functionArn('test-explode')]: functions.explode,
  [functionArn('test-await')]: functions.await,
  [functionArn('test-poll')]: functions.poll,
  [functionArn('test-busy')]: functions.busy,
};

const MACHINES = {
  pipeline: PIPELINE,
  errors: ERRORS,
  uncaught: UNCAUGHT,
  audit: CALLBACK_AUDIT,
  heartbeat: CALLBACK_HEARTBEAT,
  timeout: CALLBACK_TIMEOUT,
  map: CALLBACK_MAP,
  stoppable: STOPPABLE,
  retrying: RETRYING,
  wait: WAIT,
};
type MachineKey = keyof typeof MACHINES;

describe('Class: LocalStepFunctions (through @aws-sdk/client-sfn)', () => {
  let sfn: LocalStepFunctions;
  let client: SFNClient;
  const events: ExecutionEvent[] = [];

  const start = async (key: MachineKey, input: object, name?: string): Promise<string> => {
    const started = await client.send(new StartExecutionCommand({ stateMachineArn: stateMachineArn(`test-${key}`), input: JSON.stringify(input), name }));
    return started.executionArn!;
  };
  const tokenOf = (appId: string, index = 0): Promise<string> => until(() => tokens.get(appId)?.[index], 5000, `task token ${index} for ${appId}`);

  beforeAll(async () => {
    sfn = new LocalStepFunctions({
      port: 0,
      waitTimeScale: SCALE,
      stateMachines: Object.entries(MACHINES).map(([key, definition]) => machine(`test-${key}`, definition, byArn, substitutions)),
      onExecutionEvent: (event) => events.push(event),
    });
    client = sfnClient(await sfn.start());
  });
  afterAll(async () => {
    client?.destroy();
    await sfn?.stop();
  });
  beforeEach(() => {
    for (const key of Object.keys(calls)) delete calls[key];
    tokens = new Map();
    flakyAttempts = 0;
    active = 0;
    maxActive = 0;
  });

  it('runs Task → Map (MaxConcurrency 2) → Task, with lambda:invoke results wrapped as {StatusCode, Payload}', async () => {
    const executionArn = await start('pipeline', { batch: 'b1' }, 'pipeline-1');
    const described = await settled(client, executionArn);
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output!)).toEqual({ total: 30, batch: 'b1' });
    expect(calls.prepare).toEqual([{ batch: 'b1' }]);
    expect(calls.double).toHaveLength(5);
    expect(calls.double).toEqual(expect.arrayContaining([{ batch: 'b1', value: 3, index: 2 }]));
    // Map results keep item order whatever the completion order.
    expect(calls.sum).toEqual([{ values: [2, 4, 6, 8, 10], batch: 'b1', execution: 'pipeline-1', machine: 'test-pipeline' }]);
    expect(maxActive).toBe(2);
  });

  it('retries a Lambda error named in Retry (with scaled intervals) and catches one named in Catch', async () => {
    const began = Date.now();
    const executionArn = await start('errors', { appId: 'wx1' });
    const described = await settled(client, executionArn);

    expect(described.status).toBe('SUCCEEDED');
    const output = JSON.parse(described.output!) as { flaky: { attempts: number }; error: { Error: string; Cause: string } };
    expect(output.flaky).toEqual({ attempts: 3 });
    expect(output.error.Error).toBe('WeChatApiError');
    expect(JSON.parse(output.error.Cause)).toEqual({ errorType: 'WeChatApiError', errorMessage: 'errcode 85013: invalid domain' });
    // WeChatApiError is not in Broken's Retry list: called once.
    expect(calls.broken).toHaveLength(1);
    // Unscaled, the two retry pauses alone take 6 s.
    expect(Date.now() - began).toBeLessThan(6000);
    expect(events.filter((e) => e.executionArn === executionArn && e.type === 'StateRetried')).toHaveLength(2);
  });

  it('fails the execution with the uncaught error name and a Lambda-style cause', async () => {
    const executionArn = await start('uncaught', {});
    const described = await settled(client, executionArn);

    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('TypeError');
    expect(JSON.parse(described.cause!)).toEqual({ errorType: 'TypeError', errorMessage: 'cannot read properties of undefined' });
    expect(described.output).toBeUndefined();
  });

  describe('.waitForTaskToken', () => {
    it('hands the function a token in its payload and resumes with the SendTaskSuccess output', async () => {
      const executionArn = await start('audit', { appId: 'wx-ok' });
      const token = await tokenOf('wx-ok');
      expect(calls.await).toEqual([{ step: 'awaitAudit', appId: 'wx-ok', taskToken: token }]);
      expect(token.length).toBeGreaterThan(32);
      await sleep(30);
      // The function has returned; only the token can end the state.
      expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');

      await client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ status: 'passed', reason: null }) }));
      const described = await settled(client, executionArn);
      expect(described.status).toBe('SUCCEEDED');
      expect(JSON.parse(described.output!)).toEqual({ appId: 'wx-ok', audit: { status: 'passed', reason: null } });
      // A finished token is gone, as on AWS.
      await expect(client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({
        name: 'TaskTimedOut',
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('fails the state with the SendTaskFailure error and cause, which Catch matches by name', async () => {
      const executionArn = await start('audit', { appId: 'wx-bad' });
      const token = await tokenOf('wx-bad');
      await client.send(new SendTaskFailureCommand({ taskToken: token, error: 'AuditRejected', cause: 'category not allowed' }));

      const described = await settled(client, executionArn);
      expect(described.status).toBe('SUCCEEDED');
      expect(JSON.parse(described.output!)).toEqual({ appId: 'wx-bad', error: { Error: 'AuditRejected', Cause: 'category not allowed' } });
    });

    it('times out with States.HeartbeatTimeout when no heartbeat comes, so Catch falls back to polling', async () => {
      const began = Date.now();
      const executionArn = await start('heartbeat', { appId: 'wx-silent' });
      const token = await tokenOf('wx-silent');
      const described = await settled(client, executionArn);

      expect(described.status).toBe('SUCCEEDED');
      const output = JSON.parse(described.output!) as { audit: unknown; timedOut: { Error: string } };
      expect(output.timedOut.Error).toBe('States.HeartbeatTimeout');
      expect(output.audit).toEqual({ status: 'polled' });
      expect(calls.poll).toEqual([{ appId: 'wx-silent' }]);
      // HeartbeatSeconds 150 × 0.001: not before 150 ms, long before TimeoutSeconds (3.6 s).
      expect(Date.now() - began).toBeGreaterThanOrEqual(140);
      expect(Date.now() - began).toBeLessThan(3600);
      await expect(client.send(new SendTaskHeartbeatCommand({ taskToken: token }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    });

    it('keeps waiting while SendTaskHeartbeat arrives in time', async () => {
      const executionArn = await start('heartbeat', { appId: 'wx-alive' });
      const token = await tokenOf('wx-alive');
      for (let i = 0; i < 8; i += 1) {
        await sleep(50);
        await client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
      }
      // 400 ms in: well past one HeartbeatSeconds (150 ms) without a timeout.
      expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
      await client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ status: 'passed' }) }));

      const described = await settled(client, executionArn);
      expect(JSON.parse(described.output!)).toEqual({ appId: 'wx-alive', audit: { status: 'passed' } });
      expect(calls.poll).toBeUndefined();
    });

    it('times out with States.Timeout after the scaled TimeoutSeconds, which States.TaskFailed does not match', async () => {
      const executionArn = await start('timeout', { appId: 'wx-slow' });
      const token = await tokenOf('wx-slow');
      const described = await settled(client, executionArn);

      expect(described.status).toBe('SUCCEEDED');
      expect(JSON.parse(described.output!)).toMatchObject({ appId: 'wx-slow', timedOut: { Error: 'States.Timeout' } });
      await expect(client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    });

    it('gives every Map iteration its own token, also inside intrinsic functions', async () => {
      const apps = ['wx-a', 'wx-b', 'wx-c'];
      const executionArn = await start('map', { apps });
      const issued = await Promise.all(apps.map((appId) => tokenOf(appId)));

      expect(new Set(issued).size).toBe(3);
      for (const payload of calls.await as AwaitPayload[]) expect(payload.note).toBe(`token=${payload.taskToken}`);
      // Resolve in reverse order; the Map output keeps item order.
      for (const [index, appId] of [...apps.entries()].reverse()) {
        await client.send(new SendTaskSuccessCommand({ taskToken: issued[index]!, output: JSON.stringify({ appId, n: index }) }));
      }
      const described = await settled(client, executionArn);
      expect(JSON.parse(described.output!)).toEqual(apps.map((appId, n) => ({ appId, n })));
    });

    it('answers InvalidToken for a token it never issued', async () => {
      await expect(client.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' }))).rejects.toMatchObject({ name: 'InvalidToken' });
      await expect(client.send(new SendTaskFailureCommand({ taskToken: 'not-a-token' }))).rejects.toMatchObject({ name: 'InvalidToken' });
    });

    it('refuses output that is not JSON with InvalidOutput and keeps the task waiting', async () => {
      const executionArn = await start('audit', { appId: 'wx-garbled' });
      const token = await tokenOf('wx-garbled');
      await expect(client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{nope' }))).rejects.toMatchObject({ name: 'InvalidOutput' });
      await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '"ok"' }));
      expect(JSON.parse((await settled(client, executionArn)).output!)).toEqual({ appId: 'wx-garbled', audit: 'ok' });
    });
  });

  describe('StopExecution', () => {
    it('aborts a waiting execution: ABORTED with error and cause, its token retired, no retry of the task', async () => {
      const executionArn = await start('stoppable', { appId: 'wx-stop' });
      const token = await tokenOf('wx-stop');
      const stopped = await client.send(new StopExecutionCommand({ executionArn, error: 'Manual', cause: 'operator stop' }));
      expect(stopped.stopDate).toBeInstanceOf(Date);

      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      expect(described).toMatchObject({ status: 'ABORTED', error: 'Manual', cause: 'operator stop' });
      expect(described.stopDate!.getTime()).toBe(stopped.stopDate!.getTime());
      await expect(client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
      // The Retry on States.ALL must not invoke the function again for an aborted execution.
      await sleep(50);
      expect(calls.await).toHaveLength(1);
      expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('ABORTED');
      expect(events.some((e) => e.executionArn === executionArn && e.type === 'ExecutionAborted')).toBe(true);
    });

    it('ends a pending Retry pause without calling the function again', async () => {
      const executionArn = await start('retrying', {});
      await until(() => calls.busy, 5000, 'first attempt');
      await client.send(new StopExecutionCommand({ executionArn }));
      // The library wakes the retry pause on abort and re-enters the state; nothing may run.
      await sleep(50);
      expect(calls.busy).toHaveLength(1);
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      expect(described.status).toBe('ABORTED');
      expect(described.error).toBeUndefined();
    });

    it('answers ExecutionDoesNotExist for an unknown execution', async () => {
      const executionArn = `arn:aws:states:local:000000000000:execution:test-audit:nope`;
      await expect(client.send(new StopExecutionCommand({ executionArn }))).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    });
  });

  describe('StartExecution', () => {
    it('is idempotent by name for a running execution with the same input, and refuses anything else', async () => {
      const first = await client.send(
        new StartExecutionCommand({ stateMachineArn: stateMachineArn('test-audit'), name: 'release-42', input: JSON.stringify({ appId: 'wx-idem' }) }),
      );
      await tokenOf('wx-idem');
      const again = await client.send(
        new StartExecutionCommand({ stateMachineArn: stateMachineArn('test-audit'), name: 'release-42', input: JSON.stringify({ appId: 'wx-idem' }) }),
      );
      expect(again.executionArn).toBe(first.executionArn);
      expect(again.startDate!.getTime()).toBe(first.startDate!.getTime());
      expect(calls.await).toHaveLength(1);

      await expect(
        client.send(new StartExecutionCommand({ stateMachineArn: stateMachineArn('test-audit'), name: 'release-42', input: JSON.stringify({ appId: 'other' }) })),
      ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });

      // Once closed, the name is taken even with the same input (Standard workflows).
      await client.send(new SendTaskSuccessCommand({ taskToken: (await tokenOf('wx-idem'))!, output: '{}' }));
      await settled(client, first.executionArn!);
      await expect(
        client.send(new StartExecutionCommand({ stateMachineArn: stateMachineArn('test-audit'), name: 'release-42', input: JSON.stringify({ appId: 'wx-idem' }) })),
      ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    });

    it('refuses unknown state machines, invalid input and invalid names like AWS', async () => {
      await expect(client.send(new StartExecutionCommand({ stateMachineArn: stateMachineArn('missing') }))).rejects.toMatchObject({
        name: 'StateMachineDoesNotExist',
      });
      await expect(client.send(new StartExecutionCommand({ stateMachineArn: stateMachineArn('test-wait'), input: '{' }))).rejects.toMatchObject({
        name: 'InvalidExecutionInput',
      });
      await expect(client.send(new StartExecutionCommand({ stateMachineArn: stateMachineArn('test-wait'), name: 'has space' }))).rejects.toMatchObject({
        name: 'InvalidName',
      });
      await expect(client.send(new StartExecutionCommand({ stateMachineArn: 'not-an-arn' }))).rejects.toMatchObject({ name: 'InvalidArn' });
    });
  });

  it('DescribeExecution returns AWS fields with dates as Date, and ListExecutions filters by status', async () => {
    const before = Date.now();
    const started = await client.send(new StartExecutionCommand({ stateMachineArn: stateMachineArn('test-pipeline'), name: 'described', input: '{"batch":"d"}' }));
    expect(started.executionArn).toBe('arn:aws:states:local:000000000000:execution:test-pipeline:described');
    expect(started.startDate).toBeInstanceOf(Date);
    const described = await settled(client, started.executionArn!);

    expect(described).toMatchObject({
      executionArn: started.executionArn,
      stateMachineArn: stateMachineArn('test-pipeline'),
      name: 'described',
      status: 'SUCCEEDED',
      input: '{"batch":"d"}',
      output: '{"total":30,"batch":"d"}',
    });
    expect(described.error).toBeUndefined();
    expect(described.startDate!.getTime()).toBe(started.startDate!.getTime());
    expect(described.startDate!.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(described.stopDate!.getTime()).toBeGreaterThanOrEqual(described.startDate!.getTime());

    const running = await start('audit', { appId: 'wx-list' });
    const succeeded = await client.send(new ListExecutionsCommand({ stateMachineArn: stateMachineArn('test-pipeline'), statusFilter: 'SUCCEEDED' }));
    expect(succeeded.executions!.map((e) => e.executionArn)).toContain(started.executionArn);
    expect(succeeded.executions!.every((e) => e.status === 'SUCCEEDED' && e.stopDate instanceof Date)).toBe(true);
    const auditRunning = await client.send(new ListExecutionsCommand({ stateMachineArn: stateMachineArn('test-audit'), statusFilter: 'RUNNING' }));
    expect(auditRunning.executions!.map((e) => e.executionArn)).toContain(running);
    expect(auditRunning.executions!.find((e) => e.executionArn === running)!.stopDate).toBeUndefined();
    await client.send(new StopExecutionCommand({ executionArn: running }));

    await expect(client.send(new DescribeExecutionCommand({ executionArn: `${started.executionArn}-nope` }))).rejects.toMatchObject({
      name: 'ExecutionDoesNotExist',
    });
  });

  it('scales Wait state durations by waitTimeScale', async () => {
    const began = Date.now();
    const described = await settled(client, await start('wait', {}));
    const elapsed = Date.now() - began;
    expect(described.status).toBe('SUCCEEDED');
    // Seconds 100 × 0.001 = 100 ms; unscaled it would be 100 s.
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('answers an unknown operation with an AWS-style 400 error', async () => {
    const response = await fetch(sfn.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.CreateStateMachine' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ __type: 'UnknownOperationException', message: expect.any(String) });
  });
});
