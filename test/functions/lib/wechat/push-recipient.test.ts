import { BadRequestError } from '../../../../functions/lib/errors';
import { pushRejectionReason } from '../../../../functions/lib/observability/push-signals';
import type { AuthorizerProfile } from '../../../../functions/lib/store/authorizer-profile-store';
import { requirePushForApp } from '../../../../functions/lib/wechat/push-recipient';

describe('requirePushForApp (the message-event URL’s app against the push’s ToUserName)', () => {
  const profiles = (profile?: Partial<AuthorizerProfile>) => ({ getProfile: async () => profile as AuthorizerProfile | undefined });

  it('lets through a push addressed to the app’s original id', async () => {
    await expect(requirePushForApp('wx1', 'gh_aaa', profiles({ appId: 'wx1', userName: 'gh_aaa' }))).resolves.toBeUndefined();
  });

  it('refuses one addressed to another app, as a rejection counted under reason "appid"', async () => {
    const refused = await requirePushForApp('wx1', 'gh_bbb', profiles({ appId: 'wx1', userName: 'gh_aaa' })).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BadRequestError);
    expect(refused).toMatchObject({ statusCode: 400, code: 'wrong_to_user_name' });
    expect(pushRejectionReason(refused)).toBe('appid');
  });

  it('leaves an unknown app, or one whose original id is not known yet, to the handler', async () => {
    await expect(requirePushForApp('wx1', 'gh_bbb', profiles(undefined))).resolves.toBeUndefined();
    await expect(requirePushForApp('wx1', 'gh_bbb', profiles({ appId: 'wx1' }))).resolves.toBeUndefined();
  });
});
