import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { resetConfig } from '../../../functions/lib/config';
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

  it('refuses a canary wave on a release too large for the inline map', async () => {
    const apps = [];
    for (let i = 0; i < 2; i++) apps.push((await platform.simulator!.authorize({ redirectUri: `${platform.gatewayUrl}/wechat/authorize/callback` })).appId);
    const templateId = ((await (await platform.admin('/admin/templates')).json()) as Json).templates[0].template_id;
    const response = await platform.admin('/admin/releases', { method: 'POST', body: JSON.stringify({ templateId, userVersion: '9.0.1', targets: { appIds: apps }, canary: { count: 1 } }) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Json).code).toBe('invalid_canary');
  });
});
