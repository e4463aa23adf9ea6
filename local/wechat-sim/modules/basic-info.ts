import { createHash } from 'node:crypto';
import { z } from 'zod';
import { multipartBoundary, parseMultipart } from '../multipart';
import type { SimApp, SimAuthorizer, SimState } from '../state';
import { ok, wechatError, type SimModule } from '../types';
import { authorizerApi, bump, FUNC_SETS, formatError, newMediaId, numericId, parseBody, seconds, used } from './weapp-api';

/** Changes allowed per period, as `getaccountbasicinfo` reports them (`modify_quota`). */
const SIGNATURE_QUOTA_PER_MONTH = 5;
/**
 * WeChat's docs: "一年内可申请修改5次", five avatar changes a year, not a month as we had it.
 * https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/basic-info-management/api_setheadimage
 */
const HEAD_IMAGE_QUOTA_PER_YEAR = 5;
/**
 * WeChat's docs: the name may be changed twice, the count resetting on 1 January (and after a
 * verification). The brief had "2 per month"; WeChat wins, so the period is the calendar year.
 */
const NICKNAME_QUOTA_PER_YEAR = 2;
/** The largest upload the simulator takes (the brief's limit for avatars and proof material). */
const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;
const SIGNATURE_MIN_CHARS = 4;
const SIGNATURE_MAX_CHARS = 120;
const MEDIA_TYPES = new Set(['image', 'voice', 'video', 'thumb']);

const NEEDS_MATERIAL_WORDING =
  '你申请的名称可能涉及特定主体姓名或名称，请提供可确认主体材料与名称对应的材料，或提供《商标注册证》等其他材料，以证明你有权合理且善意使用该名称，否则可能审核不通过';

const NicknameRequest = z.object({ nick_name: z.string().optional() });
const SetNicknameRequest = z.object({
  nick_name: z.string().optional(),
  id_card: z.string().nullish(),
  license: z.string().nullish(),
  naming_other_stuff_1: z.string().nullish(),
  naming_other_stuff_2: z.string().nullish(),
  naming_other_stuff_3: z.string().nullish(),
  naming_other_stuff_4: z.string().nullish(),
  naming_other_stuff_5: z.string().nullish(),
});
const QueryNicknameRequest = z.object({ audit_id: numericId.optional() });
const HeadImageRequest = z.object({
  head_img_media_id: z.string().optional(),
  x1: z.union([z.number(), z.string()]).optional(),
  y1: z.union([z.number(), z.string()]).optional(),
  x2: z.union([z.number(), z.string()]).optional(),
  y2: z.union([z.number(), z.string()]).optional(),
});
const SignatureRequest = z.object({ signature: z.string().optional() });
const SearchStatusRequest = z.object({ status: z.number().optional() });

/**
 * Names WeChat wants proof for: the simulator's stand-in for its keyword policy is any name
 * mentioning WeChat itself.
 */
const needsProof = (name: string) => /微信|wechat/i.test(name);

/**
 * 53010 (name format invalid, WeChat's code for checkwxverifynickname and setnickname) for an
 * empty name and for names containing "小程序", which WeChat's docs say are not supported.
 */
const badName = (name: string | undefined): boolean => !name || name.trim() === '' || name.includes('小程序') || [...name].length > 30;

/** Applies name reviews whose time has passed: WeChat decides them in the background. */
function settleNicknameAudits(state: SimState, app: SimApp, authorizer: SimAuthorizer): void {
  for (const audit of app.nicknameAudits) {
    if (!audit.applied && audit.createTime + state.options.nicknameAuditMs <= state.now()) {
      audit.applied = true;
      authorizer.nickname = audit.nickname;
    }
  }
}

/**
 * Basic information of a mini program (brief step 6): name with its review, avatar upload and
 * crop, description, search visibility, and the summary `getaccountbasicinfo`.
 */
export function basicInfoModule(state: SimState): SimModule {
  return {
    routes: {
      // POST with no body, as WeChat's page has it; account_type 3 is a mini program (1 and 2 are
      // subscription and service accounts), and the name is also given at the top level.
      // https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/basic-info-management/api_getaccountbasicinfo
      'POST /cgi-bin/account/getaccountbasicinfo': authorizerApi(state, { funcSets: FUNC_SETS.accountInfo, jsonBody: false }, ({ authorizer, app }) => {
        settleNicknameAudits(state, app, authorizer);
        return ok({
          appid: authorizer.appId,
          account_type: 3,
          nickname: authorizer.nickname,
          principal_type: authorizer.personal ? 0 : 1, // 0 individual, 1 enterprise
          principal_name: authorizer.principalName,
          credential: '',
          realname_status: 1,
          wx_verify_info: {
            qualification_verify: authorizer.verifyTypeId === 0,
            naming_verify: authorizer.verifyTypeId === 0,
            annual_review: false,
            annual_review_begin_time: 0,
            annual_review_end_time: 0,
          },
          signature_info: { signature: authorizer.signature, modify_used_count: used(app.counters.signatureChanges, state.period('month')), modify_quota: SIGNATURE_QUOTA_PER_MONTH },
          head_image_info: { head_image_url: authorizer.headImg, modify_used_count: used(app.counters.headImageChanges, state.period('year')), modify_quota: HEAD_IMAGE_QUOTA_PER_YEAR },
          nickname_info: { nickname: authorizer.nickname, modify_used_count: used(app.counters.nicknameChanges, state.period('year')), modify_quota: NICKNAME_QUOTA_PER_YEAR },
        });
      }),

      'POST /cgi-bin/wxverify/checkwxverifynickname': authorizerApi(state, { funcSets: FUNC_SETS.checkNickname }, ({ body, authorizer }) => {
        // "该接口只允许通过api创建的小程序使用": WeChat answers 41033 to every mini program that was
        // not created through the API (fast registration).
        // https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/basic-info-management/api_checknickname
        if (!authorizer.createdViaApi) return wechatError(41033, 'invaid register type');
        const request = parseBody(NicknameRequest, body);
        if (!request) return formatError();
        if (badName(request.nick_name)) return wechatError(53010, 'invalid nickname');
        const hit = needsProof(request.nick_name!);
        return ok({ hit_condition: hit, wording: hit ? NEEDS_MATERIAL_WORDING : '' });
      }),

      'POST /wxa/setnickname': authorizerApi(state, { funcSets: FUNC_SETS.basicInfo }, ({ body, app, appId, authorizer }) => {
        const request = parseBody(SetNicknameRequest, body);
        if (!request) return formatError();
        const name = request.nick_name;
        if (badName(name)) return wechatError(53010, 'invalid nickname');
        const year = state.period('year');
        // 91018 as the brief chose it for "no changes left"; WeChat's docs do not list a code
        // for this case (unverified against WeChat, see the closing note).
        if (used(app.counters.nicknameChanges, year) >= NICKNAME_QUOTA_PER_YEAR) return wechatError(91018, 'reach modify quota');
        // Organisations prove a name with their licence, individuals with their ID card.
        const proof = authorizer.personal ? request.id_card : request.license;
        for (const mediaId of [request.id_card, request.license, request.naming_other_stuff_1, request.naming_other_stuff_2, request.naming_other_stuff_3, request.naming_other_stuff_4, request.naming_other_stuff_5]) {
          if (mediaId && state.media.get(mediaId)?.appId !== appId) return wechatError(40007, 'invalid media_id');
        }
        if (needsProof(name!)) {
          // 91010 as the brief has it for "proof material needed" (see the closing note).
          if (!proof) return wechatError(91010, 'need proof material');
          bump(app.counters.nicknameChanges, year);
          const auditId = state.nextNicknameAuditId();
          app.nicknameAudits.push({ auditId, nickname: name!, createTime: state.now(), applied: false });
          return ok({ wording: NEEDS_MATERIAL_WORDING, audit_id: auditId });
        }
        bump(app.counters.nicknameChanges, year);
        authorizer.nickname = name!;
        return ok({ wording: '' });
      }),

      'POST /wxa/api_wxa_querynickname': authorizerApi(state, { funcSets: FUNC_SETS.basicInfo }, ({ body, app, authorizer }) => {
        const request = parseBody(QueryNicknameRequest, body);
        if (!request) return formatError();
        const audit = app.nicknameAudits.find((a) => a.auditId === request.audit_id);
        if (!audit) return wechatError(91011, 'nickname audit not found');
        settleNicknameAudits(state, app, authorizer);
        return ok({
          nickname: audit.nickname,
          audit_stat: audit.applied ? 3 : 1, // 1 auditing, 2 rejected, 3 passed
          fail_reason: '',
          create_time: seconds(audit.createTime),
          audit_time: audit.applied ? seconds(audit.createTime + state.options.nicknameAuditMs) : 0,
        });
      }),

      'POST /cgi-bin/media/upload': authorizerApi(state, { jsonBody: false }, ({ request, appId }) => {
        const type = request.query.type ?? '';
        if (!MEDIA_TYPES.has(type)) return wechatError(40004, 'invalid media type');
        const boundary = multipartBoundary(request.headers['content-type']);
        const media = boundary ? parseMultipart(request.rawBody, boundary)?.find((part) => part.name === 'media') : undefined;
        if (!media) return wechatError(41005, 'media data missing');
        if (media.data.length === 0) return wechatError(40005, 'invalid file type');
        if (media.data.length > MAX_UPLOAD_BYTES) return wechatError(40009, 'invalid image size');
        const mediaId = newMediaId();
        const createdAt = state.now();
        state.media.set(mediaId, { mediaId, appId, type, bytes: media.data.length, createdAt });
        // The real answer carries no errcode on success.
        return { json: { type, media_id: mediaId, created_at: seconds(createdAt) } };
      }),

      'POST /cgi-bin/account/modifyheadimage': authorizerApi(state, { funcSets: FUNC_SETS.signature }, ({ body, app, appId, authorizer }) => {
        const request = parseBody(HeadImageRequest, body);
        if (!request) return formatError();
        const media = request.head_img_media_id ? state.media.get(request.head_img_media_id) : undefined;
        if (!media || media.appId !== appId) return wechatError(40007, 'invalid media_id');
        // The crop box is in fractions of the image: 0 ≤ x1 < x2 ≤ 1, same for y.
        const [x1, y1, x2, y2] = [request.x1 ?? 0, request.y1 ?? 0, request.x2 ?? 1, request.y2 ?? 1].map(Number) as [number, number, number, number];
        if (![x1, y1, x2, y2].every((v) => Number.isFinite(v) && v >= 0 && v <= 1) || x1 >= x2 || y1 >= y2) {
          // WeChat's answer to a crop box that is not top-left to bottom-right (seen in its
          // developer community; the doc page lists no errcodes for this API).
          return wechatError(53205, 'cut size invalid, please check x1 y1 x2 y2');
        }
        const year = state.period('year');
        if (used(app.counters.headImageChanges, year) >= HEAD_IMAGE_QUOTA_PER_YEAR) return wechatError(53202, 'reach head image modify quota');
        bump(app.counters.headImageChanges, year);
        authorizer.headImg = `http://wx.qlogo.cn/mmopen/${createHash('sha256').update(media.mediaId).digest('base64url')}/0`;
        return ok();
      }),

      'POST /cgi-bin/account/modifysignature': authorizerApi(state, { funcSets: FUNC_SETS.signature }, ({ body, app, authorizer }) => {
        const request = parseBody(SignatureRequest, body);
        if (!request) return formatError();
        const length = [...(request.signature ?? '')].length;
        // 53204 is WeChat's code for a description outside 4–120 characters (53200 is the monthly quota).
        if (length < SIGNATURE_MIN_CHARS || length > SIGNATURE_MAX_CHARS) return wechatError(53204, 'signature invalid');
        const month = state.period('month');
        if (used(app.counters.signatureChanges, month) >= SIGNATURE_QUOTA_PER_MONTH) return wechatError(53200, 'reach signature modify quota of this month');
        bump(app.counters.signatureChanges, month);
        authorizer.signature = request.signature!;
        return ok();
      }),

      'GET /wxa/getwxasearchstatus': authorizerApi(state, { funcSets: FUNC_SETS.basicInfo }, ({ app }) => ok({ status: app.searchStatus })),

      'POST /wxa/changewxasearchstatus': authorizerApi(state, { funcSets: FUNC_SETS.basicInfo }, ({ body, app }) => {
        const request = parseBody(SearchStatusRequest, body);
        if (!request) return formatError();
        // 85084: WeChat's "illegal status value, only 0 or 1".
        if (request.status !== 0 && request.status !== 1) return wechatError(85084, 'invalid status, only 0 or 1');
        app.searchStatus = request.status;
        return ok();
      }),
    },
  };
}
