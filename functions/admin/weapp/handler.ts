import { implement } from '../../lib/http/api-route';
import { serveRoutes } from '../../lib/http/serve-routes';
import { auditStore } from '../../lib/composition/stores/audit';
import { authorizerProfileStore } from '../../lib/composition/stores/authorizer-profile';
import { enableTokenKey } from '../../lib/composition/token-key';
import { miniProgramService } from '../../lib/composition/weapp-services';
import { fromWeChatDomains, toWeChatDomains } from '../../lib/weapp/domains';
import { fromWeChatPrivacy, toWeChatPrivacy } from '../../lib/weapp/privacy';
import { WEAPP_ROUTES as R } from './contract';
import { configuredTokenKey } from '../../lib/crypto-at-rest/configured-key';

// This function uses merchant tokens (manifest `tokenKey`), so it takes the token key.
enableTokenKey(configuredTokenKey);

const mp = () => miniProgramService();

const NICKNAME_AUDIT_STATUS: Record<number, 'auditing' | 'rejected' | 'passed'> = { 1: 'auditing', 2: 'rejected', 3: 'passed' };

/** `/admin/authorizers/{appId}/…`: every console action for one mini program, by API. */
export const handler = serveRoutes([
  // ---- basic information ----
  implement(R.getBasicInfo, async ({ params }) => (await mp()).api(params.appId).getAccountBasicInfo()),
  implement(R.checkNickname, async ({ params, body }) => (await mp()).checkNickname(params.appId, body.nickName)),
  implement(R.setNickname, async ({ params, body }) => {
    const result = await (await mp()).setNickname(params.appId, body);
    // A name without review is in effect now: the registry shows it at once instead of after the next sync.
    if (!result.auditId) await authorizerProfileStore().updateProfileDetails(params.appId, { nickname: body.nickName }, Date.now());
    return result;
  }),
  implement(R.getNicknameAudit, async ({ params }) => {
    const answer = await (await mp()).api(params.appId).queryNickname(params.auditId);
    return { nickname: answer.nickname, status: NICKNAME_AUDIT_STATUS[answer.audit_stat] ?? ('unknown' as const), failReason: answer.fail_reason };
  }),
  implement(R.setHeadImage, async ({ params, body }) => {
    const api = (await mp()).api(params.appId);
    const data = Buffer.from(body.image, 'base64');
    const { media_id: mediaId } = await api.uploadImage({ filename: body.contentType === 'image/png' ? 'avatar.png' : 'avatar.jpg', contentType: body.contentType, data });
    const crop = body.crop ?? { x1: 0, y1: 0, x2: 1, y2: 1 };
    await api.modifyHeadImage({ head_img_media_id: mediaId, ...crop });
    return { mediaId };
  }),
  implement(R.setSignature, async ({ params, body }) => {
    await (await mp()).api(params.appId).modifySignature(body.signature);
    await authorizerProfileStore().updateProfileDetails(params.appId, { signature: body.signature }, Date.now());
    return { ok: true as const };
  }),
  implement(R.getSearchStatus, async ({ params }) => ({ searchable: (await (await mp()).api(params.appId).getSearchStatus()).status === 0 })),
  implement(R.setSearchStatus, async ({ params, body }) => {
    await (await mp()).api(params.appId).changeSearchStatus(body.searchable ? 0 : 1);
    return { searchable: body.searchable };
  }),

  // ---- domains ----
  implement(R.getDomains, async ({ params }) => fromWeChatDomains(await (await mp()).modifyDomains(params.appId, 'get'))),
  implement(R.setDomains, async ({ params, body }) => fromWeChatDomains(await (await mp()).modifyDomains(params.appId, 'set', toWeChatDomains(body)))),
  implement(R.addDomains, async ({ params, body }) => fromWeChatDomains(await (await mp()).modifyDomains(params.appId, 'add', toWeChatDomains(body)))),
  implement(R.deleteDomains, async ({ params, body }) => fromWeChatDomains(await (await mp()).modifyDomains(params.appId, 'delete', toWeChatDomains(body)))),
  implement(R.getEffectiveDomains, async ({ params }) => (await mp()).api(params.appId).getEffectiveDomain()),
  implement(R.getWebviewDomains, async ({ params }) => ({ webview: (await (await mp()).api(params.appId).setWebviewDomain('get')).webviewdomain })),
  implement(R.setWebviewDomains, async ({ params, body }) => ({ webview: (await (await mp()).api(params.appId).setWebviewDomain('set', body.webview)).webviewdomain })),
  implement(R.addWebviewDomains, async ({ params, body }) => ({ webview: (await (await mp()).api(params.appId).setWebviewDomain('add', body.webview)).webviewdomain })),
  implement(R.deleteWebviewDomains, async ({ params, body }) => ({ webview: (await (await mp()).api(params.appId).setWebviewDomain('delete', body.webview)).webviewdomain })),

  // ---- code, testers, trial QR ----
  implement(R.commit, async ({ params, body }) => (await mp()).commit(params.appId, body)),
  implement(R.getPages, async ({ params }) => ({ pages: (await (await mp()).api(params.appId).getPage()).page_list })),
  implement(R.getCategories, async ({ params }) => ({ categories: (await (await mp()).api(params.appId).getCategory()).category_list })),
  implement(R.getTrialQrcode, async ({ params, query }) => (await mp()).api(params.appId).getQrcode(query.path)),
  implement(R.listTesters, async ({ params }) => ({ testers: (await (await mp()).api(params.appId).getTesters()).members.map((m) => ({ userstr: m.userstr })) })),
  implement(R.bindTester, async ({ params, body }) => ({ userstr: (await (await mp()).api(params.appId).bindTester(body.wechatId)).userstr })),
  implement(R.unbindTester, async ({ params, query }) => {
    await (await mp()).api(params.appId).unbindTester(query.by === 'userstr' ? { userstr: params.tester } : { wechatid: params.tester });
    return { ok: true as const };
  }),

  // ---- privacy guide ----
  implement(R.getPrivacy, async ({ params, query }) => {
    const privacyVer = query.privacyVer === '1' ? 1 : 2;
    return fromWeChatPrivacy(privacyVer, await (await mp()).api(params.appId).getPrivacySetting(privacyVer));
  }),
  implement(R.setPrivacy, async ({ params, body }) => {
    const api = (await mp()).api(params.appId);
    await api.setPrivacySetting(toWeChatPrivacy(body));
    // WeChat suggests reading the guide back after a set (its texts are shown to users as stored).
    return fromWeChatPrivacy(body.privacyVer, await api.getPrivacySetting(body.privacyVer));
  }),

  // ---- audit and release ----
  implement(R.listAudits, async ({ params }) => ({ audits: await auditStore().list(params.appId) })),
  implement(R.submitAudit, async ({ params, body }) => {
    const record = await (await mp()).submitAudit(params.appId, body);
    // The admin route always checks the quota, so it is always there.
    return { ...record, quota: record.quota! };
  }),
  implement(R.getLatestAudit, async ({ params }) => (await mp()).auditStatus(params.appId)),
  implement(R.getAudit, async ({ params }) => (await mp()).auditStatus(params.appId, params.auditId)),
  implement(R.undoAudit, async ({ params }) => {
    await (await mp()).undoAudit(params.appId);
    return { ok: true as const };
  }),
  implement(R.release, async ({ params }) => {
    await (await mp()).api(params.appId).release();
    return { ok: true as const };
  }),
  implement(R.revertRelease, async ({ params, body }) => {
    await (await mp()).api(params.appId).revertCodeRelease(body.appVersion);
    return { ok: true as const };
  }),
  implement(R.getReleaseHistory, async ({ params }) => ({ versions: (await (await mp()).api(params.appId).getHistoryVersion()).version_list })),
  implement(R.getGrayRelease, async ({ params }) => (await (await mp()).api(params.appId).getGrayReleasePlan()).gray_release_plan),
  implement(R.setGrayRelease, async ({ params, body }) => {
    await (await mp()).api(params.appId).grayRelease(body.percentage, { experiencers: body.experiencersFirst, debuggers: body.debuggersFirst });
    return { ok: true as const };
  }),
  implement(R.completeGrayRelease, async ({ params }) => {
    await (await mp()).releaseVersion(params.appId);
    return { ok: true as const };
  }),
  implement(R.revertGrayRelease, async ({ params }) => {
    await (await mp()).api(params.appId).revertGrayRelease();
    return { ok: true as const };
  }),
  implement(R.setVisitStatus, async ({ params, body }) => {
    await (await mp()).api(params.appId).changeVisitStatus(body.status === 'online' ? 'open' : 'close');
    return { ok: true as const };
  }),
  implement(R.getVersions, async ({ params }) => {
    const answer = await (await mp()).api(params.appId).getVersionInfo();
    return { trial: answer.exp_info ?? null, release: answer.release_info ?? null };
  }),

  // ---- mini-program codes ----
  implement(R.getWxaCode, async ({ params, body }) => (await mp()).limitedCode(params.appId, (api) => api.getWxaCode(codeBody(body)))),
  implement(R.getWxaCodeUnlimited, async ({ params, body }) =>
    (await mp()).api(params.appId).getWxaCodeUnlimit({ ...codeBody(body), scene: body.scene, ...(body.page ? { page: body.page } : {}), ...(body.checkPath !== undefined ? { check_path: body.checkPath } : {}) }),
  ),
  implement(R.createQrcode, async ({ params, body }) => (await mp()).limitedCode(params.appId, (api) => api.createWxaQrcode({ path: body.path, ...(body.width ? { width: body.width } : {}) }))),
]);

function codeBody(body: { path?: string; width?: number; autoColor?: boolean; lineColor?: { r: number; g: number; b: number }; isHyaline?: boolean; envVersion?: string }) {
  return Object.fromEntries(
    Object.entries({ path: body.path, width: body.width, auto_color: body.autoColor, line_color: body.lineColor, is_hyaline: body.isHyaline, env_version: body.envVersion }).filter(([, v]) => v !== undefined),
  );
}
