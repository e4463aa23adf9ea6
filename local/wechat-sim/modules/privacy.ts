import { z } from 'zod';
import { ERR } from '../../../functions/lib/wechat/errcodes';
import type { SimApp, SimAudit, SimPrivacySetting, SimState } from '../state';
import { ok, wechatError, type SimModule, type SimResponse } from '../types';
import { authorizerApi, FUNC_SETS, formatError, isObject, parseBody, seconds } from './weapp-api';

/**
 * The user privacy guide (用户隐私保护指引) of a mini program developed by the platform:
 * `setprivacysetting` and `getprivacysetting`, both on the authorizer token despite their
 * `/cgi-bin/component/` path, permission set 18.
 *
 * Docs: https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/privacy-management/api_setprivacysetting.html
 * and …/api_getprivacysetting; rules in
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/product/privacy_setting.html
 *
 * Two versions: the development one (privacy_ver 2, the default) is what `set` changes and
 * what the next audit reviews; a release puts it live. privacy_ver 1 edits the live version's
 * owner_setting directly (ext_file_media_id excepted) and answers 86074 while nothing is live.
 */

/** WeChat's user-information types with the Chinese names `privacy_desc` gives them. */
export const PRIVACY_KEY_DESCRIPTIONS: Readonly<Record<string, string>> = {
  UserInfo: '用户信息（微信昵称、头像）',
  Location: '位置信息',
  Address: '地址',
  Invoice: '发票信息',
  RunData: '微信运动数据',
  Record: '麦克风',
  Album: '选中的照片或视频信息',
  Camera: '摄像头',
  PhoneNumber: '手机号码',
  Contact: '通讯录（仅写入）权限',
  DeviceInfo: '设备信息',
  EXIDNumber: '身份证号码',
  EXOrderInfo: '订单信息',
  EXUserPublishContent: '发布内容',
  EXUserFollowAcct: '所关注账号',
  EXUserOpLog: '操作日志',
  AlbumWriteOnly: '相册（仅写入）权限',
  LicensePlate: '车牌号',
  BlueTooth: '蓝牙',
  CalendarWriteOnly: '日历（仅写入）权限',
  Email: '邮箱',
  MessageFile: '选中的文件',
};

const CONTACT_FIELDS = ['contact_email', 'contact_phone', 'contact_qq', 'contact_weixin'] as const;
const OWNER_FIELDS = [...CONTACT_FIELDS, 'ext_file_media_id', 'notice_method', 'store_expire_timestamp'] as const;
/** "数字+天", e.g. `30天` (WxJava's copy of the doc: anything else is refused). */
const STORE_EXPIRE = /^\d+天$/;

const SetRequest = z.object({
  privacy_ver: z.unknown().optional(),
  owner_setting: z.unknown().optional(),
  setting_list: z.array(z.object({ privacy_key: z.string(), privacy_text: z.string() }).loose()).optional(),
});
const GetRequest = z.object({ privacy_ver: z.unknown().optional() });

/** privacy_ver as WeChat reads it: absent is 2; anything but 1 or 2 is 86071. */
function privacyVer(value: unknown): 1 | 2 | undefined {
  if (value === undefined) return 2;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return n === 1 || n === 2 ? n : undefined;
}

/** The audit whose version is online, if any. */
const onlineAudit = (app: SimApp): SimAudit | undefined => (app.online ? app.audits.find((a) => a.auditId === app.online!.auditId) : undefined);

/**
 * The live privacy guide: the one reviewed with the online version, unless edited since with
 * privacy_ver 1. A release of a later version brings its own (the edit was on the old one).
 */
export function livePrivacy(app: SimApp): SimPrivacySetting | undefined {
  const audit = onlineAudit(app);
  if (!audit) return undefined;
  if (app.privacy.liveEdit?.auditId === audit.auditId) return app.privacy.liveEdit.setting;
  return audit.privacy;
}

/**
 * Privacy keys the reviewed code collects that its privacy guide does not explain: WeChat's
 * review refuses such a version ("如配置的用户隐私保护指引和代码实际里收集的用户信息不匹配…
 * 则无法通过代码版本审核", product/privacy_setting.html).
 */
export function unexplainedPrivacyKeys(audit: SimAudit): string[] {
  const explained = new Set((audit.privacy?.settingList ?? []).filter((s) => s.privacy_text.trim() !== '').map((s) => s.privacy_key));
  return (audit.version.privacyKeys ?? []).filter((key) => !explained.has(key));
}

/** The rejection reason WeChat gives for an unexplained key (wording as seen in its answers). */
export function privacyRejectionReason(keys: string[]): string {
  const names = keys.map((k) => `"${PRIVACY_KEY_DESCRIPTIONS[k] ?? k}"`).join('、');
  return `你好，小程序内涉及收集${names}相关接口或组件，请通过接口完善【用户隐私保护指引】后再重新提审。`;
}

/** owner_setting's errors in WeChat's codes, or the cleaned fields. */
function checkOwnerSetting(value: unknown): { error: SimResponse } | { owner: Record<string, string> } {
  if (!isObject(value)) return { error: wechatError(ERR.PRIVACY_OWNER_SETTING_MISSING, 'owner_setting必填字段字段缺失') };
  const owner: Record<string, string> = {};
  for (const field of OWNER_FIELDS) {
    const v = value[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') return { error: formatError() };
    owner[field] = v;
  }
  if (!owner.notice_method) return { error: wechatError(ERR.PRIVACY_NOTICE_METHOD_MISSING, 'notice_method必填字段字段缺失') };
  // "4种联系方式至少要填一种"; WeChat reports the lack as a missing required owner_setting field.
  if (!CONTACT_FIELDS.some((f) => owner[f])) return { error: wechatError(ERR.PRIVACY_OWNER_SETTING_MISSING, 'owner_setting必填字段字段缺失') };
  if (owner.store_expire_timestamp && !STORE_EXPIRE.test(owner.store_expire_timestamp)) return { error: wechatError(ERR.PRIVACY_STORE_EXPIRE_INVALID, 'store_expire_timestamp参数无效') };
  // The simulator offers no uploadprivacyextfile: no media id of a custom guide can be valid.
  if (owner.ext_file_media_id) return { error: wechatError(ERR.PRIVACY_EXT_FILE_INVALID, 'ext_file_media_id参数无效') };
  return { owner: Object.fromEntries(OWNER_FIELDS.map((f) => [f, owner[f] ?? ''])) };
}

/** What `getprivacysetting` answers for one version of the guide. */
function describe(app: SimApp, setting: SimPrivacySetting | undefined): Record<string, unknown> {
  const detected = app.committed?.privacyKeys ?? [];
  const configured = setting?.settingList ?? [];
  // Detected keys not configured yet are listed with an empty text: that is how WeChat shows what is missing.
  const missing = detected.filter((key) => !configured.some((s) => s.privacy_key === key)).map((key) => ({ privacy_key: key, privacy_text: '' }));
  return {
    code_exist: app.committed ? 1 : 0,
    privacy_list: [...detected],
    setting_list: [...configured, ...missing].map((s) => ({ ...s, privacy_label: '' })),
    update_time: setting?.updateTime ?? 0,
    owner_setting: setting?.ownerSetting ?? Object.fromEntries(OWNER_FIELDS.map((f) => [f, ''])),
    privacy_desc: { privacy_desc_list: Object.entries(PRIVACY_KEY_DESCRIPTIONS).map(([privacy_key, privacy_desc]) => ({ privacy_key, privacy_desc })) },
  };
}

export function privacyModule(state: SimState): SimModule {
  return {
    routes: {
      'POST /cgi-bin/component/setprivacysetting': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ body, app }) => {
        const request = parseBody(SetRequest, body);
        if (!request) return formatError();
        const ver = privacyVer(request.privacy_ver);
        if (!ver) return wechatError(ERR.PRIVACY_VER_INVALID, 'privacy_ver参数无效');
        const checked = checkOwnerSetting(request.owner_setting);
        if ('error' in checked) return checked.error;
        const updateTime = seconds(state.now());
        if (ver === 1) {
          // "当privacy_ver传1时,该参数不可传,否则会报错": the page names no code; a format error.
          if (request.setting_list !== undefined) return wechatError(ERR.DATA_FORMAT, 'setting_list must not be sent with privacy_ver 1');
          const live = livePrivacy(app);
          if (!live) return wechatError(ERR.PRIVACY_NO_LIVE_VERSION, '现网隐私协议不存在');
          if (checked.owner.ext_file_media_id !== live.ownerSetting.ext_file_media_id) return wechatError(ERR.PRIVACY_LIVE_EXT_FILE_LOCKED, '现网隐私协议的ext_file_media_id禁止修改');
          app.privacy.liveEdit = { auditId: onlineAudit(app)!.auditId, setting: { ...live, ownerSetting: checked.owner, updateTime } };
          return ok();
        }
        // Required with privacy_ver 2 by the doc (some answers show WeChat taking it absent; the sim follows the doc).
        if (request.setting_list === undefined) return wechatError(ERR.DATA_FORMAT, 'setting_list is required with privacy_ver 2');
        if (request.setting_list.some((s) => !s.privacy_key || !s.privacy_text)) return formatError();
        app.privacy.dev = {
          ownerSetting: checked.owner,
          settingList: request.setting_list.map((s) => ({ privacy_key: s.privacy_key, privacy_text: s.privacy_text })),
          updateTime,
        };
        return ok();
      }),

      'POST /cgi-bin/component/getprivacysetting': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ body, app }) => {
        const request = parseBody(GetRequest, body);
        if (!request) return formatError();
        const ver = privacyVer(request.privacy_ver);
        if (!ver) return wechatError(ERR.PRIVACY_VER_INVALID, 'privacy_ver参数无效');
        return ok(describe(app, ver === 1 ? livePrivacy(app) : app.privacy.dev));
      }),
    },
  };
}
