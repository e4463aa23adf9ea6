/**
 * What WeChat's fast-registration statuses mean, so the operator can tell the merchant what
 * happened. `fastregisterenterpriseweapp` (new version) reports the task's state with the enum
 * of its new-version family, documented on
 * https://developers.weixin.qq.com/doc/oplatform/openApi/register-management/fast-registration-ind/api_fastregisterpersonalmp.html
 * (the enterprise page itself was not retrievable; see the catalogue entry).
 */
export const FAST_REGISTER_TASK_STATUS: Readonly<Record<number, string>> = {
  0: 'task created; waiting for the legal person to open the link',
  1: 'timed out: the legal person did not finish within 24 h',
  2: 'refused by the legal person',
  3: 'the legal person agreed to create',
  4: 'face verification started',
  5: 'face verification failed',
  6: 'face verification passed',
  7: 'verification code sent to the phone number',
  8: 'phone verification failed',
  9: 'phone verification passed',
  10: 'creation submitted',
  11: 'creation failed',
  12: 'mini program created',
  13: 'verification passed',
  14: 'verification failed',
  1001: 'the company has reached its limit of mini programs',
  1002: 'the company is blacklisted',
  1003: 'the administrator has reached the limit of bound accounts',
  1004: 'the administrator is blacklisted',
  1005: 'the administrator\'s phone has reached the limit of bound accounts',
  1006: 'the administrator\'s phone is blacklisted',
  1007: 'the administrator\'s ID has reached the limit of created accounts',
  1008: 'the administrator\'s ID is blacklisted',
};

/** The meaning of a task status `query` answered. */
export function taskStatusMeaning(status: number): string {
  return FAST_REGISTER_TASK_STATUS[status] ?? `WeChat task status ${status}`;
}

/**
 * The meaning of the `status` of a `notify_third_fasteregister` push: 0 is success (the push
 * carries the new appid and an auth code); a failure carries one of the task statuses.
 */
export function pushStatusMeaning(status: number, msg: string): string {
  if (status === 0) return 'registered';
  return FAST_REGISTER_TASK_STATUS[status] ?? (msg || `WeChat status ${status}`);
}
