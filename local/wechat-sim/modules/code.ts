import { createHash } from 'node:crypto';
import { z } from 'zod';
import { renderCodeImage } from '../png';
import type { SimApp, SimState } from '../state';
import { ok, wechatError, type SimModule, type SimResponse } from '../types';
import { authorizerApi, FUNC_SETS, formatError, isObject, numericId, parseBody } from './weapp-api';

/** ext_json containing this marker fails the privacy scan (61040), for tests of that path. */
export const PRIVACY_FAIL_MARKER = '[privacy-fail]';
const TRIAL_QRCODE_WIDTH_PX = 430;

const CommitRequest = z.object({
  template_id: numericId.optional(),
  ext_json: z.string().optional(),
  user_version: z.string().optional(),
  user_desc: z.string().optional(),
});
const TesterRequest = z.object({ wechatid: z.string().optional(), userstr: z.string().optional() });
const MemberAuthRequest = z.object({ action: z.string().optional() });

/**
 * Category ids WeChat uses for the categories the simulator's authorizers carry; others get a
 * stable made-up id so `get_category` always answers numbers.
 */
const CATEGORY_IDS: Record<string, number> = { 工具: 287, 效率: 612, 商家自营: 304, 餐饮: 220, 电商平台: 305, 百货: 321 };
const categoryId = (name: string) => CATEGORY_IDS[name] ?? 1000 + (createHash('sha256').update(name).digest().readUInt16BE(0) % 9000);

export const noCommittedCode = () => wechatError(86001, 'no code committed by the third-party platform');

/** The tester's `userstr`: an opaque id, stable per mini program and WeChat id. */
const userstrFor = (appId: string, wechatid: string) => createHash('sha256').update(`${appId}:${wechatid}`).digest('hex').slice(0, 32);

/** A commit's ext_json errors in WeChat's codes, or undefined when it is acceptable. */
function checkExtJson(extJson: string, appId: string, pages: readonly string[]): SimResponse | undefined {
  let ext: unknown;
  try {
    ext = JSON.parse(extJson);
  } catch {
    return wechatError(85048, 'ext_json parse error');
  }
  if (!isObject(ext)) return wechatError(85048, 'ext_json parse error');
  if (ext.extAppid !== undefined && ext.extAppid !== appId) return wechatError(85013, 'invalid ext_json: extAppid is not the appid of this mini program');
  if (ext.tabBar !== undefined && !isObject(ext.tabBar)) return wechatError(85046, 'invalid ext_json: tabBar');
  if (ext.pages !== undefined && (!Array.isArray(ext.pages) || ext.pages.length === 0)) return wechatError(85047, 'invalid ext_json: pages is empty');
  if (ext.extPages !== undefined) {
    if (!isObject(ext.extPages)) return wechatError(85045, 'invalid ext_json: extPages');
    const missing = Object.keys(ext.extPages).filter((page) => !pages.includes(page));
    if (missing.length > 0) return wechatError(85045, `invalid ext_json: path not in the template: ${missing.join(',')}`);
  }
  return undefined;
}

/**
 * Code upload and what hangs off the experience version: `commit`, its pages and privacy scan,
 * the account's categories, the trial QR code and the testers who may open it.
 */
export function codeModule(state: SimState): SimModule {
  const committed = (app: SimApp) => app.committed;
  return {
    routes: {
      'POST /wxa/commit': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ body, app, appId }) => {
        const request = parseBody(CommitRequest, body);
        // ext_json must be a JSON *string*; an object there is a format error, as on WeChat.
        if (!request) return formatError();
        const template = state.templates.find((t) => t.templateId === request.template_id);
        if (!template) return wechatError(85014, 'template not found');
        if (!request.user_version) return wechatError(85015, 'invalid user_version');
        const extJson = request.ext_json ?? '{}';
        const extError = checkExtJson(extJson, appId, template.pages);
        if (extError) return extError;
        // The new experience version replaces the previous one; audits keep their own copy.
        app.committed = {
          templateId: template.templateId,
          userVersion: request.user_version,
          userDesc: request.user_desc ?? '',
          extJson,
          pages: [...template.pages],
          ...(template.privacyKeys ? { privacyKeys: [...template.privacyKeys] } : {}),
          commitTime: state.now(),
        };
        return ok();
      }),

      'GET /wxa/get_page': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ app }) => {
        const version = committed(app);
        if (!version) return noCommittedCode();
        return ok({ page_list: [...version.pages] });
      }),

      'GET /wxa/get_category': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ authorizer }) =>
        ok({
          category_list: authorizer.miniProgramInfo.categories.map((c) => ({ first_class: c.first, second_class: c.second, first_id: categoryId(c.first), second_id: categoryId(c.second) })),
        }),
      ),

      'GET /wxa/get_qrcode': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ app, appId, request }) => {
        const version = committed(app);
        if (!version) return noCommittedCode();
        const path = request.query.path ?? '';
        // WeChat answers image/jpeg here; the simulator draws a PNG and says so in Content-Type.
        const body = renderCodeImage({ seed: `trial:${appId}:${version.commitTime}:${path}`, width: TRIAL_QRCODE_WIDTH_PX, shape: 'square' });
        return { contentType: 'image/png', body };
      }),

      'POST /wxa/bind_tester': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ body, app, appId }) => {
        const request = parseBody(TesterRequest, body);
        if (!request) return formatError();
        const wechatid = request.wechatid;
        // The simulated WeChat knows every id except those starting with "unknown"; ids starting
        // with "busy" are testers of too many mini programs already.
        if (!wechatid || wechatid.startsWith('unknown')) return wechatError(85001, 'user not exist or user cannot be searched');
        if (app.testers.some((t) => t.wechatid === wechatid)) return wechatError(85004, 'user already bind');
        // WeChat's docs: 85002 is this mini program's tester limit, 85003 the WeChat id's own limit
        // (the reference page had them the other way round).
        if (app.testers.length >= state.options.testerLimit) return wechatError(85002, 'number of tester reach bind limit');
        if (wechatid.startsWith('busy')) return wechatError(85003, 'user already bind too many weapps');
        const userstr = userstrFor(appId, wechatid);
        app.testers.push({ wechatid, userstr });
        return ok({ userstr });
      }),

      'POST /wxa/unbind_tester': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ body, app }) => {
        const request = parseBody(TesterRequest, body);
        if (!request) return formatError();
        if (!request.wechatid && !request.userstr) return wechatError(40097, 'invalid args: wechatid or userstr required');
        // Unbinding someone who is not a tester leaves nothing to do, and WeChat answers ok.
        app.testers = app.testers.filter((t) => t.wechatid !== request.wechatid && t.userstr !== request.userstr);
        return ok();
      }),

      'POST /wxa/memberauth': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ body, app }) => {
        const request = parseBody(MemberAuthRequest, body);
        if (!request) return formatError();
        if (request.action !== 'get_experiencer') return wechatError(40097, 'invalid args: action must be get_experiencer');
        return ok({ members: app.testers.map((t) => ({ userstr: t.userstr })) });
      }),

      'GET /wxa/security/get_code_privacy_info': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ app }) => {
        const version = committed(app);
        if (!version) return noCommittedCode();
        if (state.now() < version.commitTime + state.options.privacyScanMs) return wechatError(61039, 'privacy scan not finished, try again later');
        if (version.extJson.includes(PRIVACY_FAIL_MARKER)) {
          const answer = wechatError(61040, 'privacy check failed') as { json: Record<string, unknown> };
          return {
            json: {
              ...answer.json,
              without_auth_list: ['wx.getLocation'],
              without_conf_list: ['wx.chooseAddress'],
            },
          };
        }
        return ok({ without_auth_list: [], without_conf_list: [] });
      }),
    },
  };
}
