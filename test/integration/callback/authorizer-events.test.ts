import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { Context } from 'aws-lambda';
import { dynamoClient } from '../../../functions/lib/aws/clients';
import { idempotencyPersistence, pushIdempotencyConfig } from '../../../functions/lib/idempotency';
import { AuthorizerPushBase } from '../../../functions/lib/wechat/authorizer-push';
import { parseWeChatXml } from '../../../functions/lib/wechat/xml';
import { signedPush } from '../../helpers/push';
import { useWorld } from '../../helpers/world';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Audit results on the message-event URL: what each costs in DynamoDB, and records written before. */
describe('POST /wechat/authorizers/{appId}/events (audit results)', () => {
  const world = useWorld({ simulator: { auditDelayMs: 600_000 } });
  const commands: string[] = [];
  let createTime = Math.floor(Date.now() / 1000);

  beforeAll(() => {
    // The handlers run in this process on the same client.
    dynamoClient().middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(context.commandName ?? '?');
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );
  });

  const authorize = () => world.authorize();
  const auditXml = (event: string, extra = '') =>
    `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o-system]]></FromUserName><CreateTime>${++createTime}</CreateTime>` +
    `<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${event}]]></Event>${extra}</xml>`;
  const post = (appId: string, xml: string) => {
    const push = signedPush(world.platform.settings.component, xml);
    commands.splice(0);
    return fetch(`${world.platform.gatewayUrl}/wechat/authorizers/${appId}/events?${push.query}`, { method: 'POST', body: push.body, headers: { 'content-type': 'text/xml' } });
  };
  const deliver = async (appId: string, xml: string) => {
    expect(await (await post(appId, xml)).text()).toBe('success');
    return [...commands].sort();
  };
  const audits = async (appId: string) => ((await (await world.platform.admin(`/admin/authorizers/${appId}/audits`)).json()) as Json).audits as Json[];

  it('records an outcome with the profile read (ToUserName check), one query and one transactional write, with or without an audit on record', async () => {
    const appId = await authorize();
    // No audit on record: one is opened and decided in the same write.
    expect(await deliver(appId, auditXml('weapp_audit_delay', `<Reason><![CDATA[busy]]></Reason><DelayTime>${createTime}</DelayTime>`))).toEqual(['GetItemCommand', 'QueryCommand', 'TransactWriteItemsCommand']);
    expect(await deliver(appId, auditXml('weapp_audit_delay', `<Reason><![CDATA[still busy]]></Reason><DelayTime>${createTime}</DelayTime>`))).toEqual(['GetItemCommand', 'QueryCommand', 'TransactWriteItemsCommand']);
    // A decision also looks for a release waiting on it.
    expect(await deliver(appId, auditXml('weapp_audit_success', `<SuccTime>${createTime}</SuccTime>`))).toEqual(['GetItemCommand', 'GetItemCommand', 'QueryCommand', 'TransactWriteItemsCommand']);

    const [audit, ...others] = await audits(appId);
    expect(others).toHaveLength(0);
    expect(audit).toMatchObject({ status: 'passed', reason: 'still busy', decidedAt: expect.any(String) });
    expect(audit!.events.map((e: Json) => e.event)).toEqual(['submitted', 'weapp_audit_delay', 'weapp_audit_delay', 'weapp_audit_success']);
  });

  it('a re-delivered push writes nothing', async () => {
    const appId = await authorize();
    const xml = auditXml('weapp_audit_fail', `<Reason><![CDATA[incomplete]]></Reason><FailTime>${createTime}</FailTime><ScreenShot><![CDATA[m1|m2]]></ScreenShot>`);
    await deliver(appId, xml);
    const before = await world.platform.scanTable();
    // The transaction is refused on the push's record: nothing else is written.
    expect(await deliver(appId, xml)).toEqual(['GetItemCommand', 'GetItemCommand', 'QueryCommand', 'TransactWriteItemsCommand']);
    expect(await world.platform.scanTable()).toEqual(before);
    expect((await audits(appId))[0]).toMatchObject({ status: 'rejected', reason: 'incomplete', screenshots: ['m1', 'm2'] });
  });

  it('a push Powertools recorded as handled is a duplicate (same key, same record layout)', async () => {
    const appId = await authorize();
    const xml = auditXml('weapp_audit_delay', `<Reason><![CDATA[recorded before]]></Reason><DelayTime>${createTime}</DelayTime>`);
    const config = pushIdempotencyConfig();
    config.registerLambdaContext({ getRemainingTimeInMillis: () => 5000 } as Context);
    const recordedBefore = makeIdempotent(async (_input: { appId: string; push: AuthorizerPushBase }) => true, {
      persistenceStore: idempotencyPersistence(dynamoClient()),
      config,
      keyPrefix: 'authorizer-push',
    });
    await recordedBefore({ appId, push: AuthorizerPushBase.parse(parseWeChatXml(xml)) });

    await deliver(appId, xml);
    expect(await audits(appId)).toEqual([]);
    // A different push for the same app still counts.
    await deliver(appId, auditXml('weapp_audit_delay', `<Reason><![CDATA[new]]></Reason><DelayTime>${createTime}</DelayTime>`));
    expect((await audits(appId)).map((a) => a.reason)).toEqual(['new']);
  });

  it('a push Powertools is still handling elsewhere is answered 409, so WeChat delivers it again', async () => {
    const appId = await authorize();
    const xml = auditXml('weapp_audit_delay', `<Reason><![CDATA[in flight]]></Reason><DelayTime>${createTime}</DelayTime>`);
    const persistence = idempotencyPersistence(dynamoClient());
    persistence.configure({ config: pushIdempotencyConfig(), keyPrefix: 'authorizer-push' });
    // The payload as the handler keys it: the app and the decrypted push (a JSON document).
    const payload = JSON.parse(JSON.stringify({ appId, push: AuthorizerPushBase.parse(parseWeChatXml(xml)) })) as Parameters<typeof persistence.saveInProgress>[0];
    await persistence.saveInProgress(payload, 5000);

    const response = await post(appId, xml);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'in_progress' });
    expect(await audits(appId)).toEqual([]);
  });
});

/** The message-event URL's `{appId}` is tied to the push it carries by the push's ToUserName. */
describe('POST /wechat/authorizers/{appId}/events (ToUserName)', () => {
  const world = useWorld({ ticket: true, refresh: true, apps: 2 });
  let createTime = Math.floor(Date.now() / 1000);

  const userNameOf = async (appId: string) => String(((await (await world.platform.admin(`/admin/authorizers/${appId}`)).json()) as Json).userName);
  const failXml = (toUserName: string, reason: string) =>
    `<xml><ToUserName><![CDATA[${toUserName}]]></ToUserName><FromUserName><![CDATA[o-system]]></FromUserName><CreateTime>${++createTime}</CreateTime>` +
    `<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[weapp_audit_fail]]></Event><Reason><![CDATA[${reason}]]></Reason><FailTime>${createTime}</FailTime></xml>`;
  const post = (appId: string, xml: string) => {
    const push = signedPush(world.platform.settings.component, xml);
    return fetch(`${world.platform.gatewayUrl}/wechat/authorizers/${appId}/events?${push.query}`, { method: 'POST', body: push.body, headers: { 'content-type': 'text/xml' } });
  };
  const audits = async (appId: string) => ((await (await world.platform.admin(`/admin/authorizers/${appId}/audits`)).json()) as Json).audits as Json[];

  it('a valid audit push for app A replayed to app B’s URL is refused there and recorded nowhere; at A’s URL it is recorded', async () => {
    const [a, b] = world.appIds as [string, string];
    const [userNameA, userNameB] = [await userNameOf(a), await userNameOf(b)];
    expect(userNameA).toMatch(/^gh_/);
    expect(userNameB).not.toBe(userNameA);
    const xml = failXml(userNameA, 'replayed');
    const before = await world.platform.scanTable();

    const replayed = await post(b, xml);
    expect(replayed.status).toBe(400);
    expect(await replayed.json()).toEqual({ code: 'wrong_to_user_name', message: 'push is addressed to another mini program (ToUserName)' });
    expect(await world.platform.scanTable()).toEqual(before);
    expect(await audits(b)).toEqual([]);

    const delivered = await post(a, xml);
    expect(await delivered.text()).toBe('success');
    expect((await audits(a)).map((audit) => [audit.status, audit.reason])).toEqual([['rejected', 'replayed']]);
    expect(await audits(b)).toEqual([]);
  });
});
