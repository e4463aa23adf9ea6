import { DescribeExecutionCommand, DescribeMapRunCommand, ListExecutionsCommand, ListMapRunsCommand, StartExecutionCommand, StopExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { LocalStepFunctions, type ExecutionEvent } from '../../../local/stepfunctions';
import { functionArn, machine, maxChildrenInFlight, settled, sfnClient, stateMachineArn, until } from './helpers';

const INVOKE = 'arn:aws:states:::lambda:invoke';

/** A parent whose distributed Map reads its items from S3 (or `$.items`) and runs one child execution per item. */
function fleet(reader: 'items' | 's3', extra: Record<string, unknown> = {}): object {
  return {
    StartAt: 'Fleet',
    States: {
      Fleet: {
        Type: 'Map',
        ...(reader === 's3'
          ? { ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { 'Bucket.$': '$.list.bucket', 'Key.$': '$.list.key' } } }
          : { ItemsPath: '$.items' }),
        MaxConcurrencyPath: '$.maxConcurrency',
        ItemSelector: { 'batch.$': '$.batch', 'value.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Work',
          States: {
            Work: {
              Type: 'Task',
              Resource: INVOKE,
              Parameters: { FunctionName: '${WorkFunctionArn}', Payload: { 'item.$': '$', 'executionId.$': '$$.Execution.Id' } },
              ResultSelector: { 'value.$': '$.Payload.value' },
              End: true,
            },
          },
        },
        ResultPath: '$.results',
        ...extra,
        End: true,
      },
    },
  };
}

describe('distributed Map (child executions)', () => {
  let sfn: LocalStepFunctions;
  let client: SFNClient;
  const events: ExecutionEvent[] = [];
  const objects = new Map<string, string>();
  /** Items whose work fails. */
  const failing = new Set<number>();
  const seenExecutionIds: string[] = [];

  beforeAll(async () => {
    const functions = {
      [functionArn('work')]: async (payload: unknown) => {
        const { item, executionId } = payload as { item: { value: number }; executionId: string };
        seenExecutionIds.push(executionId);
        if (failing.has(item.value)) throw Object.assign(new Error(`item ${item.value} fails`), { name: 'WorkFailed' });
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { value: item.value * 10 };
      },
    };
    const substitutions = { WorkFunctionArn: functionArn('work') };
    sfn = new LocalStepFunctions({
      port: 0,
      stateMachines: [
        machine('fleet-s3', fleet('s3'), functions, substitutions),
        machine('fleet-items', fleet('items'), functions, substitutions),
        machine('fleet-tolerant', fleet('items', { ToleratedFailurePercentage: 50 }), functions, substitutions),
        machine('fleet-count', fleet('items', { ToleratedFailureCount: 1 }), functions, substitutions),
      ],
      onExecutionEvent: (event) => events.push(event),
      readS3Object: async (bucket, key) => {
        const text = objects.get(`${bucket}/${key}`);
        if (text === undefined) throw new Error('NoSuchKey');
        return text;
      },
    });
    client = sfnClient(await sfn.start());
  });
  afterAll(() => sfn.stop());

  async function start(name: string, input: object): Promise<string> {
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: stateMachineArn(name), input: JSON.stringify(input) }));
    return executionArn!;
  }

  const maxInFlight = (parentArn: string): number => maxChildrenInFlight(events, parentArn);

  it('reads the items from S3, runs each as its own execution, MaxConcurrency honoured', async () => {
    objects.set('lists/run-1.json', JSON.stringify([1, 2, 3, 4, 5, 6, 7]));
    const parent = await start('fleet-s3', { list: { bucket: 'lists', key: 'run-1.json' }, maxConcurrency: 3, batch: 'b1' });
    const done = await settled(client, parent);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!).results).toEqual([1, 2, 3, 4, 5, 6, 7].map((v) => ({ value: v * 10 })));

    const { mapRuns } = await client.send(new ListMapRunsCommand({ executionArn: parent }));
    expect(mapRuns).toHaveLength(1);
    const mapRunArn = mapRuns![0]!.mapRunArn!;
    expect(mapRunArn).toMatch(/^arn:aws:states:local:000000000000:mapRun:fleet-s3\/Fleet:[0-9a-f-]{36}$/);
    const run = await client.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(run).toMatchObject({ status: 'SUCCEEDED', maxConcurrency: 3, executionArn: parent, itemCounts: { total: 7, succeeded: 7, failed: 0, running: 0, pending: 0 } });

    const children = await client.send(new ListExecutionsCommand({ mapRunArn }));
    expect(children.executions).toHaveLength(7);
    for (const child of children.executions!) {
      expect(child).toMatchObject({ status: 'SUCCEEDED', mapRunArn, stateMachineArn: `${stateMachineArn('fleet-s3')}/Fleet` });
      expect(child.executionArn).toMatch(/^arn:aws:states:local:000000000000:execution:fleet-s3\/Fleet:[0-9a-f-]{36}$/);
      const described = await client.send(new DescribeExecutionCommand({ executionArn: child.executionArn }));
      expect(described).toMatchObject({ mapRunArn, status: 'SUCCEEDED' });
      expect(JSON.parse(described.input!)).toMatchObject({ batch: 'b1' });
    }
    // Each child's $$.Execution.Id is its own ARN.
    expect(new Set(seenExecutionIds.slice(-7))).toEqual(new Set(children.executions!.map((c) => c.executionArn)));
    // The parent's machine lists only the parent.
    const parents = await client.send(new ListExecutionsCommand({ stateMachineArn: stateMachineArn('fleet-s3') }));
    expect(parents.executions!.map((e) => e.executionArn)).toEqual([parent]);
    expect(maxInFlight(parent)).toBe(3);
  });

  it('runs the same items one at a time with MaxConcurrency 1, and all at once with 0', async () => {
    const one = await start('fleet-items', { items: [1, 2, 3, 4], maxConcurrency: 1, batch: 'b2' });
    const all = await start('fleet-items', { items: [1, 2, 3, 4], maxConcurrency: 0, batch: 'b3' });
    expect((await settled(client, one)).status).toBe('SUCCEEDED');
    expect((await settled(client, all)).status).toBe('SUCCEEDED');
    expect(maxInFlight(one)).toBe(1);
    expect(maxInFlight(all)).toBe(4);
  });

  it('fails the Map with States.ItemReaderFailed when the list is missing', async () => {
    const parent = await start('fleet-s3', { list: { bucket: 'lists', key: 'missing.json' }, maxConcurrency: 2, batch: 'b4' });
    const done = await settled(client, parent);
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.ItemReaderFailed' });
  });

  it('tolerates failures up to ToleratedFailurePercentage; without a tolerance one failure fails the Map', async () => {
    failing.add(3);
    try {
      const tolerant = await start('fleet-tolerant', { items: [1, 2, 3, 4], maxConcurrency: 1, batch: 'b5' });
      const done = await settled(client, tolerant);
      expect(done.status).toBe('SUCCEEDED');
      expect(JSON.parse(done.output!).results[2]).toMatchObject({ Error: 'WorkFailed' });

      const strict = await start('fleet-items', { items: [1, 2, 3, 4, 5], maxConcurrency: 1, batch: 'b6' });
      const failed = await settled(client, strict);
      expect(failed).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
      const mapRunArn = (await client.send(new ListMapRunsCommand({ executionArn: strict }))).mapRuns![0]!.mapRunArn!;
      // Items after the failed one never started.
      expect(await client.send(new DescribeMapRunCommand({ mapRunArn }))).toMatchObject({ status: 'FAILED', itemCounts: { succeeded: 2, failed: 1, pending: 2 } });

      failing.add(4);
      const counted = await start('fleet-count', { items: [1, 2, 3, 4, 5], maxConcurrency: 1, batch: 'b7' });
      expect(await settled(client, counted)).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
    } finally {
      failing.clear();
    }
  });

  it('StopExecution of the parent aborts its running children', async () => {
    objects.set('lists/slow.json', JSON.stringify(Array.from({ length: 50 }, (_, i) => i + 100)));
    const parent = await start('fleet-s3', { list: { bucket: 'lists', key: 'slow.json' }, maxConcurrency: 2, batch: 'b8' });
    await until(() => events.find((e) => e.executionArn === parent && e.type === 'MapRunChildStarted'));
    await client.send(new StopExecutionCommand({ executionArn: parent }));
    const mapRunArn = (await client.send(new ListMapRunsCommand({ executionArn: parent }))).mapRuns![0]!.mapRunArn!;
    const run = await until(async () => {
      const described = await client.send(new DescribeMapRunCommand({ mapRunArn }));
      return described.status === 'RUNNING' ? undefined : described;
    });
    expect(run.status).toBe('ABORTED');
    const children = (await client.send(new ListExecutionsCommand({ mapRunArn }))).executions!;
    expect(children.length).toBeLessThan(50);
    expect(children.every((c) => c.status !== 'RUNNING')).toBe(true);
  });
});
