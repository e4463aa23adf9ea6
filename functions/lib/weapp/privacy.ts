import * as z from 'zod';
import type { PrivacySettingResponse } from '../wechat/weapp';

export { ownerForApp, privacyForApp, toWeChatOwner, toWeChatPrivacy } from './privacy-to-wechat';

/**
 * The user privacy guide (用户隐私保护指引) in the admin API's words, and its translation to
 * WeChat's `setprivacysetting` / `getprivacysetting` fields
 * (https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/privacy-management/api_setprivacysetting.html).
 * WeChat requires one before it passes an audit of code that collects user information.
 */

/** The four ways users can reach the developer; WeChat wants at least one. */
export const PRIVACY_CONTACT_FIELDS = ['contactEmail', 'contactPhone', 'contactQq', 'contactWeixin'] as const;
export type PrivacyContactField = (typeof PRIVACY_CONTACT_FIELDS)[number];

const Text = (max: number) => z.string().trim().min(1).max(max);

export const PrivacyContacts = z
  .object({
    contactEmail: z.email().max(128).optional(),
    contactPhone: z.string().regex(/^[0-9+\-\s()]{5,32}$/, 'contactPhone: digits, spaces, + - ( )').optional(),
    contactQq: z.string().regex(/^\d{5,12}$/, 'contactQq: 5–12 digits').optional(),
    contactWeixin: Text(64).optional(),
  })
  .strict();
export type PrivacyContacts = z.infer<typeof PrivacyContacts>;

/**
 * `owner_setting`: contacts, how users are told of changes (required), how long data is kept
 * (`store_expire_timestamp`, "a number + 天"; empty shows WeChat's standard wording). A custom
 * guide file (`ext_file_media_id`) needs an upload API the platform does not offer, so it is
 * only ever read, never sent.
 */
export const PrivacyOwner = PrivacyContacts.extend({
  noticeMethod: Text(200),
  storeExpireTimestamp: z.string().regex(/^\d{1,5}天$/, 'storeExpireTimestamp: a number of days followed by 天, e.g. "30天"').optional(),
}).strict();
export type PrivacyOwner = z.infer<typeof PrivacyOwner>;

export const PrivacyItem = z
  .object({
    /** One of WeChat's user-information types (`UserInfo`, `Location`, `PhoneNumber`, …) or a custom one ("该字段也支持自定义"). */
    privacyKey: Text(64),
    /** The purpose, shown to users as "为了<text>": no leading 为了/用于. */
    privacyText: Text(500),
  })
  .strict();
export type PrivacyItem = z.infer<typeof PrivacyItem>;

export const PrivacySettingList = z
  .array(PrivacyItem)
  .max(100)
  .refine((items) => new Set(items.map((i) => i.privacyKey)).size === items.length, 'settingList: each privacyKey once');

export const hasContact = (owner: Partial<Record<PrivacyContactField, string | undefined>>): boolean => PRIVACY_CONTACT_FIELDS.some((f) => !!owner[f]);
const NO_CONTACT = 'ownerSetting needs at least one of contactEmail, contactPhone, contactQq, contactWeixin';

/**
 * The admin API's write: the development version (2, the default) with its setting list, or
 * the live version (1), whose owner_setting alone may change and which takes no setting list.
 */
export const PrivacySettingIn = z
  .object({
    privacyVer: z.union([z.literal(1), z.literal(2)]).default(2),
    ownerSetting: PrivacyOwner,
    settingList: PrivacySettingList.optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (!hasContact(body.ownerSetting)) ctx.addIssue({ code: 'custom', path: ['ownerSetting'], message: NO_CONTACT });
    if (body.privacyVer === 2 && !body.settingList) ctx.addIssue({ code: 'custom', path: ['settingList'], message: 'settingList is required for the development version (privacyVer 2)' });
    if (body.privacyVer === 1 && body.settingList) ctx.addIssue({ code: 'custom', path: ['settingList'], message: 'the live version (privacyVer 1) takes no settingList: change the development version and release it' });
  });
export type PrivacySettingIn = z.infer<typeof PrivacySettingIn>;

export const PrivacySettingOut = z.object({
  privacyVer: z.union([z.literal(1), z.literal(2)]),
  /** Whether code was committed recently (without it WeChat detects nothing). */
  codeExist: z.boolean(),
  /** User-information types WeChat detected in the committed code. */
  privacyList: z.array(z.string()),
  /** Detected types this version does not explain yet: an audit would be rejected for them. */
  unexplained: z.array(z.string()),
  settingList: z.array(z.object({ privacyKey: z.string(), privacyText: z.string(), privacyLabel: z.string() })),
  ownerSetting: z.object({
    contactEmail: z.string(), contactPhone: z.string(), contactQq: z.string(), contactWeixin: z.string(),
    extFileMediaId: z.string(), noticeMethod: z.string(), storeExpireTimestamp: z.string(),
  }),
  /** When this version last changed; null when never set. */
  updatedAt: z.string().nullable(),
  /** WeChat's description of each user-information type. */
  privacyDesc: z.array(z.object({ privacyKey: z.string(), privacyDesc: z.string() })),
});
export type PrivacySettingOut = z.infer<typeof PrivacySettingOut>;

/**
 * A fleet release's guide: one owner_setting and setting list for every target, contacts
 * overridable per app (each app's merged owner_setting must name a contact).
 */
export const PrivacyTemplate = z
  .object({
    ownerSetting: PrivacyOwner,
    settingList: PrivacySettingList,
    contactOverrides: z.record(z.string().regex(/^wx[0-9a-f]{16}$/i, 'contactOverrides: keyed by AppID'), PrivacyContacts).optional(),
  })
  .strict();
export type PrivacyTemplate = z.infer<typeof PrivacyTemplate>;

/** Why the template cannot be applied to these apps (no contact once merged, overrides for non-targets), if at all. */
export function privacyTemplateProblem(template: PrivacyTemplate, appIds: readonly string[]): string | undefined {
  const targets = new Set(appIds);
  const strangers = Object.keys(template.contactOverrides ?? {}).filter((a) => !targets.has(a));
  if (strangers.length) return `privacy contact overrides for apps that are not targets: ${strangers.slice(0, 10).join(', ')}`;
  if (hasContact(template.ownerSetting)) return undefined;
  const without = appIds.filter((a) => !hasContact(template.contactOverrides?.[a] ?? {}));
  return without.length ? `${NO_CONTACT} (in the template or an override) for: ${without.slice(0, 10).join(', ')}${without.length > 10 ? ` and ${without.length - 10} more` : ''}` : undefined;
}

export function fromWeChatPrivacy(privacyVer: 1 | 2, answer: z.output<typeof PrivacySettingResponse>): PrivacySettingOut {
  const o = answer.owner_setting;
  const explained = new Set(answer.setting_list.filter((s) => s.privacy_text.trim()).map((s) => s.privacy_key));
  return {
    privacyVer,
    codeExist: answer.code_exist === 1,
    privacyList: answer.privacy_list,
    unexplained: answer.privacy_list.filter((k) => !explained.has(k)),
    settingList: answer.setting_list.map((s) => ({ privacyKey: s.privacy_key, privacyText: s.privacy_text, privacyLabel: s.privacy_label })),
    ownerSetting: {
      contactEmail: o.contact_email, contactPhone: o.contact_phone, contactQq: o.contact_qq, contactWeixin: o.contact_weixin,
      extFileMediaId: o.ext_file_media_id, noticeMethod: o.notice_method, storeExpireTimestamp: o.store_expire_timestamp,
    },
    updatedAt: answer.update_time > 0 ? new Date(answer.update_time * 1000).toISOString() : null,
    privacyDesc: answer.privacy_desc.privacy_desc_list.map((d) => ({ privacyKey: d.privacy_key, privacyDesc: d.privacy_desc })),
  };
}
