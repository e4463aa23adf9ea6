import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { resetConfig } from '../../../functions/lib/config';
import { platformStores } from '../../../functions/lib/platform';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Releases larger than the inline limit put their target list in S3 and start the Distributed
 * Map branch. The local runner cannot read an ItemReader, so the AWS calls are checked with
 * aws-sdk-client-mock; the branch itself is validated with the ASL and deployed by CDK.
 */
describe('large releases (Distributed Map)', () => {
  let platform: TestPlatform;
  const s3 = mockClient(S3Client);
  const sfn = mockClient(SFNClient);

  beforeAll(async () => {
    platform = await startTestPlatform();
    process.env.RELEASE_INLINE_TARGETS_MAX = '1';
    process.env.RELEASE_TARGETS_BUCKET = 'release-target-lists';
    resetConfig();
    await platform.simulator!.ticketPusher.pushNow();
  });
  afterAll(async () => {
    s3.restore();
    sfn.restore();
    delete process.env.RELEASE_INLINE_TARGETS_MAX;
    delete process.env.RELEASE_TARGETS_BUCKET;
    resetConfig();
    await platform.stop();
  });

  it('writes the target list to S3 and starts the execution with its location', async () => {
    s3.on(PutObjectCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:local:000000000000:execution:weapp-fleet-release:x' });
    const apps = [];
    for (let i = 0; i < 2; i++) apps.push((await platform.simulator!.authorize({ redirectUri: `${platform.gatewayUrl}/wechat/authorize/callback` })).appId);
    await platform.admin('/admin/templates', { method: 'POST', body: JSON.stringify({ draftId: 1 }) });
    const templateId = ((await (await platform.admin('/admin/templates')).json()) as Json).templates[0].template_id;

    const response = await platform.admin('/admin/releases', { method: 'POST', body: JSON.stringify({ templateId, userVersion: '9.0.0', targets: { appIds: apps }, maxConcurrency: 25 }) });
    expect(response.status).toBe(202);
    const release = (await response.json()) as Json;
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Bucket: 'release-target-lists', Key: `releases/${release.releaseId}/targets.json` });
    expect(JSON.parse(String(put.Body))).toEqual(apps);
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!) as Json;
    expect(input).toEqual({ releaseId: release.releaseId, targetsS3: { bucket: 'release-target-lists', key: `releases/${release.releaseId}/targets.json` }, maxConcurrency: 25 });
    expect(release).toMatchObject({ total: 2, counts: { pending: 2 } });
  });

  /** A release of `count` new apps started on the (mocked) Distributed Map branch, calls reset. */
  async function startLargeRelease(count: number, userVersion: string): Promise<{ apps: string[]; releaseId: string }> {
    s3.reset();
    sfn.reset();
    s3.on(PutObjectCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: `arn:aws:states:local:000000000000:execution:weapp-fleet-release:${userVersion}` });
    const apps = [];
    for (let i = 0; i < count; i++) apps.push((await platform.simulator!.authorize({ redirectUri: `${platform.gatewayUrl}/wechat/authorize/callback` })).appId);
    const templateId = ((await (await platform.admin('/admin/templates')).json()) as Json).templates[0].template_id;
    const { releaseId } = (await (await platform.admin('/admin/releases', { method: 'POST', body: JSON.stringify({ templateId, userVersion, targets: { appIds: apps }, maxConcurrency: 5 }) })).json()) as Json;
    return { apps, releaseId };
  }

  // A retry of thousands of failed apps would not fit the 256 KB execution input either.
  it('retries the failed apps of a large release through S3 as well', async () => {
    const { apps, releaseId } = await startLargeRelease(3, '9.0.2');
    const { releases } = platformStores();
    for (const appId of apps.slice(0, 2)) await releases.transition(releaseId, appId, ['pending'], 'failed', { failure: { step: 'commit', reason: 'errcode 45009' } });
    await releases.transition(releaseId, apps[2]!, ['pending'], 'cancelled');
    await releases.finish(releaseId, 'completed_with_failures');

    const retry = await platform.admin(`/admin/releases/${releaseId}/retry-failed`, { method: 'POST' });
    expect(retry.status).toBeLessThan(300);
    expect(await retry.json()).toMatchObject({ retried: 2 });
    const put = s3.commandCalls(PutObjectCommand)[1]!.args[0].input;
    expect(put.Key).toMatch(new RegExp(`^releases/${releaseId}/${releaseId}-retry-\\d+\\.json$`));
    expect(JSON.parse(String(put.Body)).sort()).toEqual(apps.slice(0, 2).sort());
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[1]!.args[0].input.input!) as Json;
    expect(input).toEqual({ releaseId, targetsS3: { bucket: 'release-target-lists', key: put.Key }, maxConcurrency: 5 });
    expect(await (await platform.admin(`/admin/releases/${releaseId}`)).json()).toMatchObject({ status: 'running', counts: { pending: 2, cancelled: 1 } });
  });

  it('puts the apps back as failed, reason kept, when the retry cannot start', async () => {
    const { apps, releaseId } = await startLargeRelease(2, '9.0.3');
    const { releases } = platformStores();
    for (const appId of apps) await releases.transition(releaseId, appId, ['pending'], 'failed', { failure: { step: 'commit', reason: 'errcode 45009' } });
    await releases.finish(releaseId, 'completed_with_failures');

    s3.on(PutObjectCommand).rejects(new Error('bucket unreachable'));
    const retry = await platform.admin(`/admin/releases/${releaseId}/retry-failed`, { method: 'POST' });
    expect(retry.status).toBeGreaterThanOrEqual(500);
    const after = (await (await platform.admin(`/admin/releases/${releaseId}`)).json()) as Json;
    expect(after).toMatchObject({ status: 'completed_with_failures', counts: { failed: 2, pending: 0 } });
    for (const target of after.targets as Json[]) expect(target.failure).toMatchObject({ step: 'commit', reason: 'errcode 45009' });
  });

  it('refuses a canary wave on a release too large for the inline map', async () => {
    const apps = [];
    for (let i = 0; i < 2; i++) apps.push((await platform.simulator!.authorize({ redirectUri: `${platform.gatewayUrl}/wechat/authorize/callback` })).appId);
    const templateId = ((await (await platform.admin('/admin/templates')).json()) as Json).templates[0].template_id;
    const response = await platform.admin('/admin/releases', { method: 'POST', body: JSON.stringify({ templateId, userVersion: '9.0.1', targets: { appIds: apps }, canary: { count: 1 } }) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Json).code).toBe('invalid_canary');
  });
});
