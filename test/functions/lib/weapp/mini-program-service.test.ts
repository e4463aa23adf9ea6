import { createHash, randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QuotaExceededError } from '../../../../functions/lib/errors';
import { DynamoAuditStore } from '../../../../functions/lib/store/audit-store';
import { DynamoAuthorizerProfileStore } from '../../../../functions/lib/store/authorizer-profile-store';
import { DynamoAuthorizerStatusStore } from '../../../../functions/lib/store/authorizer-status-store';
import { DynamoAuthorizerTokenStore } from '../../../../functions/lib/store/authorizer-token-store';
import { DynamoComponentTokenStore } from '../../../../functions/lib/store/component-token-store';
import { DynamoQuotaStore } from '../../../../functions/lib/store/quota-store';
import { RefreshLease } from '../../../../functions/lib/store/refresh-lease';
import { DynamoVerifyTicketStore } from '../../../../functions/lib/store/verify-ticket-store';
import { AuthorizerAccessTokens } from '../../../../functions/lib/tokens/authorizer-access-token';
import { ComponentAccessToken } from '../../../../functions/lib/tokens/component-access-token';
import { MiniProgramService } from '../../../../functions/lib/weapp/mini-program-service';
import { WeChatClient } from '../../../../functions/lib/wechat/client';
import { ComponentApi, ComponentAuthApi } from '../../../../functions/lib/wechat/component';
import { WeChatApiError } from '../../../../functions/lib/wechat/errors';
import { TemplateApi } from '../../../../functions/lib/wechat/weapp';
import { ensureTable, localDynamoClient } from '../../../../local/dynamodb';
import { generateCredentials } from '../../../../local/settings';
import { WeChatSimulator } from '../../../../local/wechat-sim/server';
import { testTokenCipher } from '../../../helpers/token-cipher';

/**
 * The service on its own: real stores on a table of its own in DynamoDB Local, the real token
 * chain, and the simulator as WeChat. No gateway, no handlers.
 */
describe('Class: MiniProgramService', () => {
  const g = generateCredentials();
  const component = { appId: g.componentAppId, appSecret: g.componentSecret, token: g.componentToken, aesKey: g.componentAesKey };
  const tableName = `mini-program-${randomUUID()}`;
  const db = DynamoDBDocumentClient.from(localDynamoClient(process.env.TEST_DYNAMODB_ENDPOINT!));
  const lease = new RefreshLease(db, tableName);
  const cipher = testTokenCipher();
  const authorizerTokens = new DynamoAuthorizerTokenStore(db, tableName, lease, cipher);
  const authorizerStatus = new DynamoAuthorizerStatusStore(db, tableName, cipher);
  const audits = new DynamoAuditStore(db, tableName);
  const quotas = new DynamoQuotaStore(db, tableName);
  const sim = new WeChatSimulator({ component, auditDelayMs: 600_000 });
  let service: MiniProgramService;
  let templateId: string;
  // 2026-11-26 10:00 in China Standard Time: quota windows are fixed by this clock.
  const now = Date.UTC(2026, 10, 26, 2, 0, 0);

  beforeAll(async () => {
    await Promise.all([ensureTable(process.env.TEST_DYNAMODB_ENDPOINT!, tableName), sim.start()]);
    const client = new WeChatClient({ baseURL: sim.url, timeoutMs: 2000, backoffBaseMs: 5, maxRetries: 0 });
    const tickets = new DynamoVerifyTicketStore(db, tableName);
    await tickets.save({ componentAppId: component.appId, ticket: sim.state.issueTicket(), createTime: Math.floor(Date.now() / 1000), receivedAt: new Date().toISOString() });
    const componentToken = new ComponentAccessToken({ componentAppId: component.appId, tokens: new DynamoComponentTokenStore(db, tableName, lease, cipher), tickets, authApi: new ComponentAuthApi(client, component) });
    const tokens = new AuthorizerAccessTokens({ componentAppId: component.appId, tokens: authorizerTokens, profiles: new DynamoAuthorizerProfileStore(db, tableName), status: authorizerStatus, componentApi: new ComponentApi(client, component.appId, componentToken) });
    service = new MiniProgramService({ client, tokens, quotas, audits, now: () => now });
    const templates = new TemplateApi(client, componentToken);
    await templates.addToTemplate(1, 0);
    templateId = String((await templates.getTemplateList()).template_list.at(-1)!.template_id);
  });
  afterAll(async () => {
    await sim.stop();
    db.destroy();
  });
  beforeEach(() => sim.requests.splice(0));

  /** An app WeChat knows and the registry holds with its refresh token only: its first call refreshes. */
  const authorizedApp = async (options: { createdViaApi?: boolean } = {}) => {
    const [{ appId, refreshToken }] = sim.seedAuthorizers(1, options) as [{ appId: string; refreshToken: string }];
    await authorizerStatus.recordAuthorization({ appId, componentAppId: component.appId, accessToken: '', refreshToken, expiresAt: 0, funcInfo: [17, 18], event: 'authorized', source: 'sync', now: Date.now() });
    return appId;
  };
  const calls = (path: string) => sim.requests.filter((r) => r.path === path);
  const commitInput = { templateId: '', userVersion: '2.1.0', userDesc: 'spring menu' };

  describe('Method: api', () => {
    it('calls WeChat with the authorizer’s own token', async () => {
      const appId = await authorizedApp();
      await service.api(appId).getLatestAuditStatus().catch(() => undefined);
      const [call] = calls('/wxa/get_latest_auditstatus');
      expect(sim.state.checkAuthorizerToken(call!.query.access_token)).toEqual({ errcode: 0, appId });
    });
  });

  describe('Method: commit', () => {
    it('sends ext_json built for the app and records the commit with its hash and release', async () => {
      const appId = await authorizedApp();
      const result = await service.commit(appId, { ...commitInput, templateId, releaseId: 'rel-1', extJsonBase: { ext: { brand: 'tea' } }, extJson: { ext: { shop: appId } } });
      const [call] = calls('/wxa/commit');
      const body = call!.body as { template_id: number; ext_json: string; user_version: string; user_desc: string };
      expect(body).toMatchObject({ template_id: Number(templateId), user_version: '2.1.0', user_desc: 'spring menu' });
      expect(JSON.parse(body.ext_json)).toMatchObject({ extAppid: appId, ext: { brand: 'tea', shop: appId } });
      expect(result).toEqual({ templateId, userVersion: '2.1.0', committedAt: new Date(now).toISOString(), extJson: JSON.parse(body.ext_json) });
      expect(await audits.lastCommit(appId)).toMatchObject({
        appId,
        templateId,
        releaseId: 'rel-1',
        extJsonSha256: createHash('sha256').update(body.ext_json).digest('hex'),
        committedAt: new Date(now).toISOString(),
      });
    });

    it('records nothing when WeChat refuses the commit', async () => {
      const appId = await authorizedApp();
      sim.script('/wxa/commit', [{ errcode: 85013, errmsg: 'invalid ext_json' }]);
      await expect(service.commit(appId, { ...commitInput, templateId })).rejects.toMatchObject({ errcode: 85013 });
      expect(await audits.lastCommit(appId)).toBeUndefined();
    });
  });

  describe('Method: submitAudit', () => {
    it('submits in WeChat’s field names, records the submission under the committed version and counts the quota down', async () => {
      const appId = await authorizedApp();
      await service.commit(appId, { ...commitInput, templateId });
      const record = await service.submitAudit(appId, { versionDesc: 'menu', itemList: [{ address: 'pages/index/index', tag: 'food', firstClass: '餐饮', firstId: 1 }] });
      expect(calls('/wxa/submit_audit')[0]!.body).toEqual({ version_desc: 'menu', item_list: [{ address: 'pages/index/index', tag: 'food', first_class: '餐饮', first_id: 1 }] });
      expect(record).toMatchObject({ appId, status: 'auditing', userVersion: '2.1.0', versionDesc: 'menu', quota: { rest: expect.any(Number), limit: expect.any(Number) } });
      expect(record.auditId).toBe(String(sim.app(appId).audits.at(-1)!.auditId));
      expect((await audits.latest(appId))?.auditId).toBe(record.auditId);
    });

    it('refuses with QUOTA_EXCEEDED when no submissions are left, without submitting', async () => {
      const appId = await authorizedApp();
      await service.commit(appId, { ...commitInput, templateId });
      sim.script('/wxa/queryquota', [{ json: { errcode: 0, errmsg: 'ok', rest: 0, limit: 20, speedup_rest: 0, speedup_limit: 0 } }]);
      const error = await service.submitAudit(appId, {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QuotaExceededError);
      expect(error).toMatchObject({ resetsAt: '2026-11-30T16:00:00.000Z' });
      expect(calls('/wxa/submit_audit')).toHaveLength(0);
    });

    it('adopts the running audit of its own commit on 85009 for a release, and rethrows it otherwise', async () => {
      const appId = await authorizedApp();
      await service.commit(appId, { ...commitInput, templateId, releaseId: 'rel-2' });
      const first = await service.submitAudit(appId, {}, 'rel-2');
      // The first answer was "lost": a retry meets 85009.
      const retried = await service.submitAudit(appId, {}, 'rel-2');
      expect(retried.auditId).toBe(first.auditId);
      const error = await service.submitAudit(appId, {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WeChatApiError);
      expect(error).toMatchObject({ errcode: 85009 });
    });
  });

  describe('Method: undoAudit', () => {
    it('records the withdrawal, and stops at 5 a day before WeChat sees a sixth', async () => {
      const appId = await authorizedApp();
      await service.commit(appId, { ...commitInput, templateId });
      await service.submitAudit(appId, {});
      await service.undoAudit(appId);
      expect((await audits.latest(appId))?.status).toBe('withdrawn');
      sim.script('/wxa/undocodeaudit', Array.from({ length: 4 }, () => ({ json: { errcode: 0, errmsg: 'ok' } })));
      for (let i = 0; i < 4; i++) await service.undoAudit(appId);
      await expect(service.undoAudit(appId)).rejects.toBeInstanceOf(QuotaExceededError);
      expect(calls('/wxa/undocodeaudit')).toHaveLength(5);
    });
  });

  describe('Method: auditStatus', () => {
    it('names WeChat’s status code', async () => {
      const appId = await authorizedApp();
      sim.script('/wxa/get_latest_auditstatus', [{ json: { errcode: 0, errmsg: 'ok', auditid: 42, status: 1, reason: 'blurry', screenshots: '', user_version: '2.1.0' } }]);
      expect(await service.auditStatus(appId)).toMatchObject({ auditId: '42', status: 'rejected', reason: 'blurry', userVersion: '2.1.0' });
    });
  });

  describe('Method: checkNickname', () => {
    it('reports no pre-check for an app WeChat offers none to (41033)', async () => {
      expect(await service.checkNickname(await authorizedApp(), '示例茶馆')).toEqual({ checked: false, hitCondition: false, wording: '' });
    });

    it('reports WeChat’s check for an app created through the API', async () => {
      const check = await service.checkNickname(await authorizedApp({ createdViaApi: true }), '示例茶馆');
      expect(check.checked).toBe(true);
      expect(calls('/cgi-bin/wxverify/checkwxverifynickname')[0]!.body).toEqual({ nick_name: '示例茶馆' });
    });
  });

  describe('Method: modifyDomains', () => {
    it('counts changes against the monthly quota and reads for free', async () => {
      const appId = await authorizedApp();
      await service.modifyDomains(appId, 'get');
      sim.script('/wxa/modify_domain', Array.from({ length: 50 }, () => ({ json: { errcode: 0, errmsg: 'ok' } })));
      for (let i = 0; i < 50; i++) await service.modifyDomains(appId, 'set', { requestdomain: ['https://api.example.com'] });
      await expect(service.modifyDomains(appId, 'set', { requestdomain: ['https://api.example.com'] })).rejects.toBeInstanceOf(QuotaExceededError);
      await expect(service.modifyDomains(appId, 'get')).resolves.toBeDefined();
      expect(calls('/wxa/modify_domain')).toHaveLength(52);
    });
  });
});
