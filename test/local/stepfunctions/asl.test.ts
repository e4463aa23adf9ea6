import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { LocalStepFunctions, substitute, validateAsl } from '../../../local/stepfunctions';
import { MAX_TIMER_SECONDS, prepareDefinition, type JsonObject } from '../../../local/stepfunctions/asl';
import { functionArn, machine, settled, sfnClient, stateMachineArn } from './helpers';

const INVOKE = 'arn:aws:states:::lambda:invoke';
const CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

describe('substitute', () => {
  it('replaces every ${Name} it has a value for, as plain text', () => {
    const text = '{"a":"${Fn}","b":"${Fn}:live","c":"${Other}","d":"${F.n}"}';
    expect(substitute(text, { Fn: 'arn:aws:lambda:x', 'F.n': '$&' })).toBe('{"a":"arn:aws:lambda:x","b":"arn:aws:lambda:x:live","c":"${Other}","d":"$&"}');
  });
});

describe('validateAsl', () => {
  const valid = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };

  it('accepts a valid definition, as text or object, without changing the object', () => {
    expect(validateAsl(JSON.stringify(valid))).toEqual({ valid: true, errors: [] });
    const copy = JSON.parse(JSON.stringify(valid)) as object;
    expect(validateAsl(copy).valid).toBe(true);
    expect(copy).toEqual(valid);
  });

  it('reports asl-validator errors and unparseable text', () => {
    const result = validateAsl({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Missing' } } });
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual(expect.arrayContaining([expect.stringMatching(/^MISSING_TRANSITION_TARGET: .*Missing/)]));
    expect(validateAsl('{ nope')).toEqual({ valid: false, errors: [expect.stringMatching(/^INVALID_JSON: /)] });
  });
});

describe('prepareDefinition', () => {
  const definition: JsonObject = {
    StartAt: 'Invoke',
    TimeoutSeconds: 99999999,
    States: {
      Invoke: {
        Type: 'Task',
        Resource: INVOKE,
        Parameters: { FunctionName: 'fn-a', Payload: {} },
        TimeoutSeconds: 30,
        Retry: [{ ErrorEquals: ['A'], IntervalSeconds: 5, MaxDelaySeconds: 60 }, { ErrorEquals: ['B'] }],
        Next: 'Pause',
      },
      Pause: { Type: 'Wait', Seconds: 1800, Next: 'Fan' },
      Fan: {
        Type: 'Parallel',
        Branches: [
          {
            StartAt: 'Each',
            States: {
              Each: {
                Type: 'Map',
                Iterator: { StartAt: 'Await', States: { Await: { Type: 'Task', Resource: CALLBACK, Parameters: { FunctionName: 'fn-b' }, HeartbeatSeconds: 60, TimeoutSeconds: 3600, End: true } } },
                End: true,
              },
            },
          },
          { StartAt: 'Legacy', States: { Legacy: { Type: 'Task', Resource: functionArn('fn-c'), End: true } } },
        ],
        End: true,
      },
    },
  };

  it('scales waiting (Wait, Retry, callback timeouts) but not Lambda compute time, and finds nested Tasks', () => {
    const prepared = prepareDefinition(definition, 0.01);
    const states = prepared.definition.States as Record<string, JsonObject>;

    expect(prepared.problems).toEqual([]);
    expect(prepared.waitTimeOverrides).toEqual({ Pause: 18000 });
    expect(states.Invoke!.Retry).toEqual([
      { ErrorEquals: ['A'], IntervalSeconds: 0.05, MaxDelaySeconds: 0.6 },
      { ErrorEquals: ['B'], IntervalSeconds: 0.01 },
    ]);
    expect(states.Invoke!.TimeoutSeconds).toBe(30);
    // 99999999 s would overflow Node's timer and fire at once.
    expect(prepared.definition.TimeoutSeconds).toBe(MAX_TIMER_SECONDS);
    expect(prepared.tasks).toEqual([
      { stateName: 'Invoke', kind: 'lambdaInvoke', resource: INVOKE, functionName: 'fn-a' },
      { stateName: 'Await', kind: 'lambdaCallback', resource: CALLBACK, functionName: 'fn-b', heartbeatMs: 600, timeoutMs: 36000 },
      { stateName: 'Legacy', kind: 'lambdaResource', resource: functionArn('fn-c'), functionName: functionArn('fn-c') },
    ]);
    const legacy = ((prepared.definition.States as Record<string, JsonObject>).Fan!.Branches as JsonObject[])[1]!;
    // Without an explicit TimeoutSeconds the library would time any Task out after 60 s.
    expect((legacy.States as Record<string, JsonObject>).Legacy!.TimeoutSeconds).toBe(MAX_TIMER_SECONDS);
    // The source is left alone.
    expect((definition.States as Record<string, JsonObject>).Invoke!.Retry).toEqual([{ ErrorEquals: ['A'], IntervalSeconds: 5, MaxDelaySeconds: 60 }, { ErrorEquals: ['B'] }]);
  });

  it('lists what cannot run locally', () => {
    const prepared = prepareDefinition(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'Put',
        States: { Put: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', End: true } },
      },
      1,
    );
    expect(prepared.problems).toEqual([expect.stringContaining('JSONata'), expect.stringContaining('arn:aws:states:::dynamodb:putItem')]);
  });
});

describe('LocalStepFunctions.start', () => {
  const task = (functionName: string) => ({
    StartAt: 'Call',
    States: { Call: { Type: 'Task', Resource: INVOKE, Parameters: { FunctionName: functionName, Payload: {} }, End: true } },
  });
  const refuse = async (definition: object, functions: Record<string, () => Promise<unknown>>, substitutions: Record<string, string>, message: RegExp) => {
    const sfn = new LocalStepFunctions({ port: 0, stateMachines: [machine('refused', definition, functions, substitutions)] });
    await expect(sfn.start()).rejects.toThrow(message);
    await sfn.stop();
  };

  it('refuses a definition with a placeholder left, a missing function, invalid ASL or an unsupported resource', async () => {
    await refuse(task('${Missing}'), {}, {}, /no substitution for \$\{Missing\}/);
    await refuse(task('${Fn}'), { [functionArn('other')]: async () => null }, { Fn: functionArn('fn') }, /no local function for arn:aws:lambda:local:000000000000:function:fn/);
    await refuse({ StartAt: 'Nowhere', States: { A: { Type: 'Pass', End: true } } }, {}, {}, /not valid ASL/);
    await refuse(
      { StartAt: 'Put', States: { Put: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', Parameters: {}, End: true } } },
      {},
      {},
      /dynamodb:putItem is not supported locally/,
    );
  });
});

describe('Lambda resources and error mapping', () => {
  let sfn: LocalStepFunctions;
  const received: unknown[] = [];
  const definition = {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Parallel',
        Branches: [
          // A function ARN as Resource: the input is the payload and the result is the output, unwrapped.
          { StartAt: 'Legacy', States: { Legacy: { Type: 'Task', Resource: functionArn('legacy'), End: true } } },
          {
            StartAt: 'Dynamic',
            States: {
              Dynamic: {
                Type: 'Task',
                Resource: INVOKE,
                Parameters: { 'FunctionName.$': '$.fn', Payload: {} },
                Catch: [{ ErrorEquals: ['Lambda.ResourceNotFoundException'], ResultPath: '$.error', Next: 'Thrown' }],
                End: true,
              },
              Thrown: {
                Type: 'Task',
                Resource: INVOKE,
                Parameters: { FunctionName: 'thrower', Payload: {} },
                Catch: [{ ErrorEquals: ['string'], ResultPath: '$.thrown', Next: 'Caught' }],
                End: true,
              },
              Caught: { Type: 'Pass', End: true },
            },
          },
        ],
        End: true,
      },
    },
  };

  beforeAll(async () => {
    sfn = new LocalStepFunctions({
      port: 0,
      stateMachines: [
        machine('resources', definition, {
          [functionArn('legacy')]: async (payload) => {
            received.push(payload);
            return { legacy: true };
          },
          // Lambda's Node runtime reports a thrown non-Error by its typeof.
          thrower: () => Promise.reject('plain string'),
        }),
      ],
    });
  });
  afterAll(() => sfn.stop());

  it('runs Tasks in Parallel branches, function-ARN resources, and maps missing functions and thrown values like Lambda', async () => {
    const client = sfnClient(await sfn.start());
    const started = await client.send(new StartExecutionCommand({ stateMachineArn: stateMachineArn('resources'), input: JSON.stringify({ fn: 'nobody' }) }));
    const described = await settled(client, started.executionArn!);
    client.destroy();

    expect(described.status).toBe('SUCCEEDED');
    const [legacy, dynamic] = JSON.parse(described.output!) as [unknown, { error: { Error: string }; thrown: { Error: string; Cause: string } }];
    expect(legacy).toEqual({ legacy: true });
    expect(received).toEqual([{ fn: 'nobody' }]);
    expect(dynamic.error.Error).toBe('Lambda.ResourceNotFoundException');
    expect(dynamic.thrown.Error).toBe('string');
    expect(JSON.parse(dynamic.thrown.Cause)).toEqual({ errorType: 'string', errorMessage: 'plain string' });
  });
});
