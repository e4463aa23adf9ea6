import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../../functions/lib/aws/clients';
import { platformStores } from '../../../functions/lib/platform';
import { keys } from '../../../functions/lib/store/keys';
import { useWorld } from '../../helpers/world';

/** Tokens in the table, as the whole platform writes them: encrypted under the local token key. */
describe('tokens at rest', () => {
  const world = useWorld({ ticket: true, refresh: true, apps: 2 });

  const table = () => world.platform.settings.tableName;
  const scan = async () => (await dynamoDocumentClient().send(new ScanCommand({ TableName: table(), ConsistentRead: true }))).Items ?? [];
  /** Every string and binary value of an item, as bytes, so a token is found wherever it sits. */
  const bytesOf = (item: Record<string, unknown>): Buffer[] =>
    Object.values(item).flatMap((value) => (typeof value === 'string' ? [Buffer.from(value)] : value instanceof Uint8Array ? [Buffer.from(value)] : typeof value === 'object' && value ? bytesOf(value as Record<string, unknown>) : []));
  const tokensIssued = () =>
    world.sim.issuedCredentials().filter((c) => ['component_access_token', 'authorizer_access_token', 'authorizer_refresh_token'].includes(c.kind));
  const rawItem = async (key: { pk: string; sk: string }) => (await scan()).find((i) => i.pk === key.pk && i.sk === key.sk);

  it('no token WeChat issued appears in the table; the token attributes are ciphertexts', async () => {
    const issued = tokensIssued();
    expect(issued.map((c) => c.kind)).toEqual(expect.arrayContaining(['component_access_token', 'authorizer_access_token', 'authorizer_refresh_token']));
    const items = await scan();
    const found = items.flatMap((item) => issued.filter(({ value }) => bytesOf(item).some((bytes) => bytes.includes(value))).map(({ kind }) => `${kind} in ${String(item.pk)}/${String(item.sk)}`));
    expect(found).toEqual([]);
    const componentToken = items.find((i) => i.sk === 'TOKEN' && String(i.pk).startsWith('COMPONENT#'));
    expect(componentToken?.token).toBeInstanceOf(Uint8Array);
    for (const appId of world.appIds) {
      const item = items.find((i) => i.pk === keys.authorizerToken(appId).pk && i.sk === 'TOKEN');
      expect(item?.accessToken).toBeInstanceOf(Uint8Array);
      expect(item?.refreshToken).toBeInstanceOf(Uint8Array);
    }
    // The platform itself reads them back: a WeChat call with the merchant's token works.
    const info = await world.platform.admin(`/admin/authorizers/${world.appIds[0]}/basic-info`);
    expect(info.status).toBe(200);
  });

  it('uses tokens stored in plain text before encryption, and the next refresh rewrites them encrypted', async () => {
    const appId = world.appIds[1]!;
    const componentAppId = world.platform.settings.component.appId;
    const stores = platformStores();
    const authorizer = (await stores.authorizerTokens.getToken(appId))!;
    const component = (await stores.componentTokens.get(componentAppId))!;
    // As an earlier version wrote them: plain strings; both due for refresh within the run.
    const dueAt = Date.now() + 60_000;
    const authorizerItem = await rawItem(keys.authorizerToken(appId));
    const componentItem = await rawItem(keys.componentToken(componentAppId));
    await dynamoDocumentClient().send(new PutCommand({ TableName: table(), Item: { ...authorizerItem, accessToken: authorizer.accessToken, refreshToken: authorizer.refreshToken } }));
    await dynamoDocumentClient().send(new PutCommand({ TableName: table(), Item: { ...componentItem, token: component.token } }));
    expect((await rawItem(keys.authorizerToken(appId)))?.accessToken).toBe(authorizer.accessToken);

    // Read as they are: a WeChat call with the plain tokens works and refreshes nothing.
    world.sim.requests.splice(0);
    expect((await world.platform.admin(`/admin/authorizers/${appId}/basic-info`)).status).toBe(200);
    expect(world.wechatCalls('/cgi-bin/component/api_authorizer_token')).toHaveLength(0);

    await dynamoDocumentClient().send(
      new PutCommand({ TableName: table(), Item: { ...(await rawItem(keys.authorizerToken(appId))), expiresAt: dueAt, ...keys.tokenExpiryIndex(componentAppId, dueAt, appId) } }),
    );
    await dynamoDocumentClient().send(new PutCommand({ TableName: table(), Item: { ...(await rawItem(keys.componentToken(componentAppId))), expiresAt: dueAt } }));
    const run = await world.platform.scheduler.runNow('refreshTokens');
    expect(run).toMatchObject({ ok: true, result: { component: 'refreshed', authorizers: { refreshed: 1 } } });

    const rewritten = (await rawItem(keys.authorizerToken(appId)))!;
    expect(rewritten.accessToken).toBeInstanceOf(Uint8Array);
    expect(rewritten.refreshToken).toBeInstanceOf(Uint8Array);
    expect((await rawItem(keys.componentToken(componentAppId)))?.token).toBeInstanceOf(Uint8Array);
    // The refresh used the plain refresh token, and what it stored is what WeChat issued.
    const refreshed = (await stores.authorizerTokens.getToken(appId))!;
    expect(refreshed.refreshToken).toBe(world.sim.state.authorizers.get(appId)!.refreshToken);
    expect(world.sim.state.checkAuthorizerToken(refreshed.accessToken)).toEqual({ errcode: 0, appId });
    expect(world.sim.state.checkComponentToken((await stores.componentTokens.get(componentAppId))!.token)).toBe(0);
  });
});
