import type { PrivacyOwnerSetting, SetPrivacySettingBody } from '../wechat/weapp';
import type { PrivacyOwner, PrivacySettingIn, PrivacyTemplate } from './privacy';

// Apart from the schemas in privacy.ts (classic zod, for the admin API and its OpenAPI
// document): the release steps translate a release's guide too, and authorizerEvents loads
// those steps at its cold start, which must not load classic zod.

const OWNER_TO_WECHAT = {
  contactEmail: 'contact_email',
  contactPhone: 'contact_phone',
  contactQq: 'contact_qq',
  contactWeixin: 'contact_weixin',
  noticeMethod: 'notice_method',
  storeExpireTimestamp: 'store_expire_timestamp',
} as const satisfies Record<keyof PrivacyOwner, keyof PrivacyOwnerSetting>;

export function toWeChatOwner(owner: PrivacyOwner): PrivacyOwnerSetting {
  const out: PrivacyOwnerSetting = {};
  for (const [ours, theirs] of Object.entries(OWNER_TO_WECHAT) as [keyof PrivacyOwner, keyof PrivacyOwnerSetting][]) {
    const value = owner[ours];
    if (value) out[theirs] = value;
  }
  return out;
}

export function toWeChatPrivacy(body: PrivacySettingIn): SetPrivacySettingBody {
  return {
    privacy_ver: body.privacyVer,
    owner_setting: toWeChatOwner(body.ownerSetting),
    ...(body.privacyVer === 2 ? { setting_list: (body.settingList ?? []).map((i) => ({ privacy_key: i.privacyKey, privacy_text: i.privacyText })) } : {}),
  };
}

/** The owner_setting an app of a release gets: the template's, its own contacts merged over it. */
export function ownerForApp(template: PrivacyTemplate, appId: string): PrivacyOwner {
  return { ...template.ownerSetting, ...(template.contactOverrides?.[appId] ?? {}) };
}

/** The development version (privacy_ver 2) a release sets on one of its apps. */
export function privacyForApp(template: PrivacyTemplate, appId: string): SetPrivacySettingBody {
  return toWeChatPrivacy({ privacyVer: 2, ownerSetting: ownerForApp(template, appId), settingList: template.settingList });
}
