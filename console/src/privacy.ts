import type { PrivacySetting, PrivacySettingBody } from './api/types';
import { t } from './i18n';

/**
 * A privacy guide (用户隐私保护指引) as the forms edit it: plain strings, empty meaning unset,
 * and the storage period as a number of days (WeChat wants "<n>天").
 */
export interface PrivacyGuideDraft {
  contactEmail: string;
  contactPhone: string;
  contactQq: string;
  contactWeixin: string;
  noticeMethod: string;
  storeExpireDays: number | undefined;
  items: { privacyKey: string; privacyText: string }[];
}

export const CONTACT_FIELDS = ['contactEmail', 'contactPhone', 'contactQq', 'contactWeixin'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

/** WeChat's user-information types, for choosing a key before the API has listed them. */
export const COMMON_PRIVACY_KEYS = ['UserInfo', 'Location', 'Address', 'PhoneNumber', 'Album', 'AlbumWriteOnly', 'Camera', 'Record', 'DeviceInfo', 'MessageFile', 'Invoice', 'RunData', 'Contact', 'BlueTooth', 'Email'];

export const emptyGuideDraft = (): PrivacyGuideDraft => ({ contactEmail: '', contactPhone: '', contactQq: '', contactWeixin: '', noticeMethod: '', storeExpireDays: undefined, items: [] });

/** The form's values from a version as the API reports it (only configured keys become rows). */
export function draftFromSetting(setting: PrivacySetting): PrivacyGuideDraft {
  const o = setting.ownerSetting;
  const days = /^(\d+)天$/.exec(o.storeExpireTimestamp)?.[1];
  return {
    contactEmail: o.contactEmail, contactPhone: o.contactPhone, contactQq: o.contactQq, contactWeixin: o.contactWeixin,
    noticeMethod: o.noticeMethod,
    storeExpireDays: days ? Number(days) : undefined,
    items: setting.settingList.filter((s) => s.privacyText).map((s) => ({ privacyKey: s.privacyKey, privacyText: s.privacyText })),
  };
}

/** The owner_setting of the request, empty fields left out. */
export function ownerFromDraft(draft: PrivacyGuideDraft): PrivacySettingBody['ownerSetting'] {
  return {
    ...Object.fromEntries(CONTACT_FIELDS.map((f) => [f, draft[f].trim()] as const).filter(([, v]) => v)),
    noticeMethod: draft.noticeMethod.trim(),
    ...(draft.storeExpireDays ? { storeExpireTimestamp: `${draft.storeExpireDays}天` } : {}),
  };
}

/** The setting list of the request; throws the first problem in words. */
export function itemsFromDraft(draft: PrivacyGuideDraft): { privacyKey: string; privacyText: string }[] {
  const items = draft.items.map((i) => ({ privacyKey: i.privacyKey.trim(), privacyText: i.privacyText.trim() }));
  const incomplete = items.find((i) => !i.privacyKey || !i.privacyText);
  if (incomplete) throw new Error(incomplete.privacyKey ? t('privacy.needKeyAndPurposeOf', { key: incomplete.privacyKey }) : t('privacy.needKeyAndPurpose'));
  return items;
}

export const hasContact = (draft: Pick<PrivacyGuideDraft, ContactField>): boolean => CONTACT_FIELDS.some((f) => draft[f].trim() !== '');
