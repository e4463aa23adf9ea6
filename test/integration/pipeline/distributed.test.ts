import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, DescribeMapRunCommand, ListExecutionsCommand, ListMapRunsCommand, type ExecutionListItem } from '@aws-sdk/client-sfn';
import { sfnClient } from '../../../functions/lib/aws/sfn';
import { s3Client } from '../../../functions/lib/aws/s3';
import { resetConfig } from '../../../functions/lib/config';
import { LOCAL_RELEASE_TARGETS_BUCKET } from '../../../local/platform';
import type { ExecutionEvent } from '../../../local/stepfunctions';
import { maxChildrenInFlight, settled } from '../../local/stepfunctions/helpers';
import { scaled } from '../../helpers/time-scale';
import { useWorld } from '../../helpers/world';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Above this many targets a release takes the Distributed Map branch (lowered from 2,000 so a few apps do). */
const INLINE_MAX = 1;

/**
 * Releases larger than the inline limit, end to end on the local platform: the target list goes
 * to the target-list bucket on the local S3, the state machine (the ASL CDK deploys) takes its
 * DistributedTargets branch, the local Step Functions reads the list with the ItemReader and runs
 * every app as a child execution, and the simulator sees each app through to released.
 */
describe('large releases (Distributed Map)', () => {
  const events: ExecutionEvent[] = [];
  const world = useWorld({
    ticket: true,
    template: true,
    simulator: { auditDelayMs: 100, pushRetryDelayMs: 20 },
    stepFunctionsTimeScale: 0.0001,
    onStepFunctionsEvent: (event) => events.push(event),
  });

  beforeAll(() => {
    process.env.RELEASE_INLINE_TARGETS_MAX = String(INLINE_MAX);
    resetConfig();
  });
  afterAll(() => {
    delete process.env.RELEASE_INLINE_TARGETS_MAX;
    resetConfig();
  });

  const release = async (id: string): Promise<Json> => (await (await world.platform.admin(`/admin/releases/${id}?limit=500`)).json()) as Json;
  const settle = async (id: string): Promise<Json> => {
    const deadline = Date.now() + scaled(30_000);
    for (;;) {
      const current = await release(id);
      if (current.status !== 'running' || Date.now() > deadline) return current;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const start = async (appIds: string[], userVersion: string, maxConcurrency: number): Promise<Json> => {
    const response = await world.platform.admin('/admin/releases', { method: 'POST', body: JSON.stringify({ templateId: world.templateId, userVersion, targets: { appIds }, maxConcurrency }) });
    expect(response.status).toBe(202);
    return (await response.json()) as Json;
  };
  const authorizeMany = async (count: number): Promise<string[]> => {
    const apps: string[] = [];
    for (let i = 0; i < count; i++) apps.push(await world.authorize());
    return apps;
  };
  /** Child executions of the execution's one map run, and the run itself. */
  const mapRunOf = async (executionArn: string): Promise<{ run: Json; children: ExecutionListItem[] }> => {
    const { mapRuns = [] } = await sfnClient().send(new ListMapRunsCommand({ executionArn }));
    expect(mapRuns).toHaveLength(1);
    const mapRunArn = mapRuns[0]!.mapRunArn!;
    const run = (await sfnClient().send(new DescribeMapRunCommand({ mapRunArn }))) as Json;
    const children: ExecutionListItem[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfnClient().send(new ListExecutionsCommand({ mapRunArn, nextToken }));
      children.push(...(page.executions ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return { run, children };
  };
  const commitsOf = (appId: string) => world.wechatCalls('/wxa/commit').filter((r) => world.sim.state.checkAuthorizerToken(r.query.access_token).appId === appId);

  it('releases every app through the DistributedTargets branch: list in S3, one child execution per app, MaxConcurrency honoured', async () => {
    const apps = await authorizeMany(5);
    const started = await start(apps, '9.0.0', 2);
    expect(started).toMatchObject({ total: 5, counts: { pending: 5 } });
    const done = await settle(started.releaseId);
    expect(done).toMatchObject({ status: 'succeeded', counts: { released: 5, failed: 0 } });

    const key = `releases/${started.releaseId}/targets.json`;
    const list = await s3Client().send(new GetObjectCommand({ Bucket: LOCAL_RELEASE_TARGETS_BUCKET, Key: key }));
    expect(JSON.parse(await list.Body!.transformToString())).toEqual(apps);
    const parent = await settled(sfnClient(), started.executionArn);
    expect(parent.status).toBe('SUCCEEDED');
    expect(JSON.parse(parent.input!)).toEqual({ releaseId: started.releaseId, targetsS3: { bucket: LOCAL_RELEASE_TARGETS_BUCKET, key }, maxConcurrency: 2 });
    // The deployed definition's distributed branch ran, not the inline waves.
    const entered = events.filter((e) => e.executionArn === started.executionArn && e.type === 'StateEntered').map((e) => (e.detail as Json).state?.name);
    expect(entered).toEqual(expect.arrayContaining(['TargetSource', 'DistributedTargets', 'Finalize']));
    expect(entered).not.toContain('Waves');

    const { run, children } = await mapRunOf(started.executionArn);
    expect(run).toMatchObject({ status: 'SUCCEEDED', maxConcurrency: 2, toleratedFailurePercentage: 100, itemCounts: { total: 5, succeeded: 5 } });
    expect(children).toHaveLength(5);
    const inputs: Json[] = [];
    for (const child of children) {
      expect(child.status).toBe('SUCCEEDED');
      expect(child.executionArn).toMatch(/:execution:weapp-fleet-release\/DistributedTargets:[0-9a-f-]{36}$/);
      inputs.push(JSON.parse((await sfnClient().send(new DescribeExecutionCommand({ executionArn: child.executionArn }))).input!) as Json);
    }
    expect(inputs.map((i) => i.appId).sort()).toEqual([...apps].sort());
    expect(inputs.every((i) => i.releaseId === started.releaseId)).toBe(true);
    expect(maxChildrenInFlight(events, started.executionArn)).toBe(2);
    for (const appId of apps) expect(commitsOf(appId)).toHaveLength(1);
  });

  it('keeps the inline branch at or below the limit', async () => {
    const apps = await authorizeMany(INLINE_MAX);
    const started = await start(apps, '9.0.1', 2);
    expect(await settle(started.releaseId)).toMatchObject({ status: 'succeeded', counts: { released: INLINE_MAX } });
    const entered = events.filter((e) => e.executionArn === started.executionArn && e.type === 'StateEntered').map((e) => (e.detail as Json).state?.name);
    expect(entered).toContain('Waves');
    expect(entered).not.toContain('DistributedTargets');
    expect((await sfnClient().send(new ListMapRunsCommand({ executionArn: started.executionArn }))).mapRuns ?? []).toEqual([]);
  });

  // A retry of thousands of failed apps would not fit the 256 KB execution input either.
  it('retries the failed apps of a large release through S3 as well', async () => {
    const apps = await authorizeMany(3);
    // WeChat refuses the first two commits with an error no retry cures: those apps fail.
    world.sim.script('/wxa/commit', [{ errcode: 85013, errmsg: 'scripted refusal' }, { errcode: 85013, errmsg: 'scripted refusal' }]);
    const started = await start(apps, '9.0.2', 1);
    const first = await settle(started.releaseId);
    expect(first).toMatchObject({ status: 'completed_with_failures', counts: { failed: 2, released: 1 } });
    const failed = (first.targets as Json[]).filter((t) => t.state === 'failed').map((t) => t.appId as string);
    expect(failed).toHaveLength(2);

    const retry = await world.platform.admin(`/admin/releases/${started.releaseId}/retry-failed`, { method: 'POST' });
    expect(retry.status).toBeLessThan(300);
    const retried = (await retry.json()) as Json;
    expect(retried).toMatchObject({ retried: 2 });
    const input = JSON.parse((await sfnClient().send(new DescribeExecutionCommand({ executionArn: retried.executionArn }))).input!) as Json;
    expect(input.targetsS3.key).toMatch(new RegExp(`^releases/${started.releaseId}/${started.releaseId}-retry-\\d+\\.json$`));
    const list = await s3Client().send(new GetObjectCommand({ Bucket: LOCAL_RELEASE_TARGETS_BUCKET, Key: input.targetsS3.key }));
    expect((JSON.parse(await list.Body!.transformToString()) as string[]).sort()).toEqual([...failed].sort());
    expect(await settle(started.releaseId)).toMatchObject({ status: 'succeeded', counts: { released: 3, failed: 0 } });
    expect((await mapRunOf(retried.executionArn)).children).toHaveLength(2);
  });

  it('puts the apps back as failed, reason kept, when the retry cannot start (no such bucket)', async () => {
    const apps = await authorizeMany(3);
    world.sim.rejectAudits(apps);
    const started = await start(apps, '9.0.3', 1);
    expect(await settle(started.releaseId)).toMatchObject({ status: 'completed_with_failures', counts: { failed: 3 } });

    process.env.RELEASE_TARGETS_BUCKET = 'no-such-target-bucket';
    resetConfig();
    try {
      const retry = await world.platform.admin(`/admin/releases/${started.releaseId}/retry-failed`, { method: 'POST' });
      expect(retry.status).toBeGreaterThanOrEqual(500);
    } finally {
      process.env.RELEASE_TARGETS_BUCKET = LOCAL_RELEASE_TARGETS_BUCKET;
      resetConfig();
    }
    const after = await release(started.releaseId);
    expect(after).toMatchObject({ status: 'completed_with_failures', counts: { failed: 3, pending: 0 } });
    for (const target of after.targets as Json[]) expect(target.failure).toMatchObject({ step: 'audit', reason: expect.stringMatching(/^audit rejected: /) });
  });

  it('refuses a canary wave on a release too large for the inline map', async () => {
    const apps = await authorizeMany(INLINE_MAX + 1);
    const response = await world.platform.admin('/admin/releases', { method: 'POST', body: JSON.stringify({ templateId: world.templateId, userVersion: '9.0.4', targets: { appIds: apps }, canary: { count: 1 } }) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Json).code).toBe('invalid_canary');
  });
});
