import { loadConfig } from '../../../../functions/lib/config';
import { ConfigurationError } from '../../../../functions/lib/errors';
import { httpErrorHandler } from '../../../../functions/lib/http/error-handler';
import { AuditPush, AuthorizerPushBase } from '../../../../functions/lib/wechat/authorizer-push';
import { AuthorizationPush, ComponentPushBase, FastRegisterPush, UnauthorizedPush, VerifyTicketPush } from '../../../../functions/lib/wechat/component-push';

/**
 * The schemas on the callbacks' cold-start path are built with zod/mini. These are the answers
 * the classic-zod versions gave (recorded before the change): same accepted and refused inputs,
 * same defaults and coercions, and the same 400 messages, which zod/mini only writes in English
 * because the error handler registers the locale. (Jest's setup loads the simulator, hence
 * classic zod, which registers English itself: test/infra/cold-start-closure.test.ts checks the
 * messages in a bundled callback path that loads no classic zod.)
 */
const COMPONENT = 'wx1234567890abcdef';

type Answer = { ok: unknown } | { status: number; body: unknown };

/** What a handler answers when `parse` runs in it: its value, or the error handler's response. */
async function answerOf(parse: () => unknown): Promise<Answer> {
  try {
    return { ok: parse() };
  } catch (error) {
    const request = { error } as unknown as Parameters<NonNullable<ReturnType<typeof httpErrorHandler>['onError']>>[0];
    await httpErrorHandler().onError!(request);
    return { status: request.response!.statusCode!, body: JSON.parse(request.response!.body as string) };
  }
}

const refused = (message: string): Answer => ({ status: 400, body: { code: 'invalid_request', message } });

describe('push schemas (zod/mini) answer as the classic ones did', () => {
  const base = { AppId: COMPONENT, CreateTime: '1700000000' };

  it.each<[string, () => unknown, Answer]>([
    [
      'a ticket push, coercing CreateTime and keeping unknown fields',
      () => VerifyTicketPush.parse({ ...base, InfoType: 'component_verify_ticket', ComponentVerifyTicket: 'ticket@@@x', Extra: 'kept' }),
      { ok: { AppId: COMPONENT, CreateTime: 1700000000, InfoType: 'component_verify_ticket', ComponentVerifyTicket: 'ticket@@@x', Extra: 'kept' } },
    ],
    [
      'a ticket push without its ticket',
      () => VerifyTicketPush.parse({ ...base, InfoType: 'component_verify_ticket' }),
      refused('✖ Invalid input: expected string, received undefined\n  → at ComponentVerifyTicket'),
    ],
    [
      'a ticket over 512 characters',
      () => VerifyTicketPush.parse({ ...base, InfoType: 'component_verify_ticket', ComponentVerifyTicket: 'x'.repeat(513) }),
      refused('✖ Too big: expected string to have <=512 characters\n  → at ComponentVerifyTicket'),
    ],
    [
      'empty fields and a fractional CreateTime',
      () => VerifyTicketPush.parse({ AppId: '', CreateTime: '-1.5', InfoType: 'component_verify_ticket', ComponentVerifyTicket: '' }),
      refused(
        '✖ Too small: expected string to have >=1 characters\n  → at AppId\n✖ Invalid input: expected int, received number\n  → at CreateTime\n' +
          '✖ Too small: expected string to have >=1 characters\n  → at ComponentVerifyTicket',
      ),
    ],
    [
      'a CreateTime that is not a number, and another InfoType',
      () => VerifyTicketPush.parse({ AppId: COMPONENT, CreateTime: 'soon', InfoType: 'authorized', ComponentVerifyTicket: 't' }),
      refused('✖ Invalid input: expected number, received NaN\n  → at CreateTime\n✖ Invalid input: expected "component_verify_ticket"\n  → at InfoType'),
    ],
    [
      'an updateauthorized push',
      () =>
        AuthorizationPush.parse({ AppId: COMPONENT, CreateTime: '1', InfoType: 'updateauthorized', AuthorizerAppid: 'wxa', AuthorizationCode: 'code', AuthorizationCodeExpiredTime: '1700003600', PreAuthCode: 'pre' }),
      { ok: { AppId: COMPONENT, CreateTime: 1, InfoType: 'updateauthorized', AuthorizerAppid: 'wxa', AuthorizationCode: 'code', AuthorizationCodeExpiredTime: 1700003600, PreAuthCode: 'pre' } },
    ],
    [
      'an authorization push of the wrong type, without its code',
      () => AuthorizationPush.parse({ AppId: COMPONENT, CreateTime: '1', InfoType: 'unauthorized', AuthorizationCodeExpiredTime: '1.5' }),
      refused(
        '✖ Invalid option: expected one of "authorized"|"updateauthorized"\n  → at InfoType\n✖ Invalid input: expected string, received undefined\n  → at AuthorizerAppid\n' +
          '✖ Invalid input: expected string, received undefined\n  → at AuthorizationCode\n✖ Invalid input: expected int, received number\n  → at AuthorizationCodeExpiredTime',
      ),
    ],
    [
      'an unauthorized push without AuthorizerAppid',
      () => UnauthorizedPush.parse({ AppId: COMPONENT, CreateTime: '1', InfoType: 'unauthorized' }),
      refused('✖ Invalid input: expected string, received undefined\n  → at AuthorizerAppid'),
    ],
    [
      'a failed fast registration: msg and info default',
      () => FastRegisterPush.parse({ AppId: COMPONENT, CreateTime: '1', InfoType: 'notify_third_fasteregister', status: '-1' }),
      { ok: { AppId: COMPONENT, CreateTime: 1, InfoType: 'notify_third_fasteregister', status: -1, msg: '', info: {} } },
    ],
    [
      'a fast registration whose echoed info is coerced to strings, extra fields kept',
      () =>
        FastRegisterPush.parse({
          AppId: COMPONENT, CreateTime: '1', InfoType: 'notify_third_fasteregister', appid: 'wxb', status: '0', auth_code: 'c', msg: 0,
          info: { taskid: 123, name: 'n', code: 9, component_phone: '1', legal_persona_wechat: 'w' },
        }),
      {
        ok: {
          AppId: COMPONENT, CreateTime: 1, InfoType: 'notify_third_fasteregister', appid: 'wxb', status: 0, auth_code: 'c', msg: '0',
          info: { taskid: '123', name: 'n', code: '9', component_phone: '1', legal_persona_wechat: 'w' },
        },
      },
    ],
    [
      'a fast registration without a status, with an empty taskid',
      () => FastRegisterPush.parse({ AppId: COMPONENT, CreateTime: '1', InfoType: 'notify_third_fasteregister', status: 'x', info: { taskid: '' } }),
      refused('✖ Invalid input: expected number, received NaN\n  → at status\n✖ Too small: expected string to have >=1 characters\n  → at info.taskid'),
    ],
    [
      'an audit success',
      () => AuditPush.parse({ ToUserName: 'gh_1', CreateTime: '1', MsgType: 'event', Event: 'weapp_audit_success', SuccTime: '2' }),
      { ok: { ToUserName: 'gh_1', CreateTime: 1, MsgType: 'event', Event: 'weapp_audit_success', SuccTime: 2 } },
    ],
    [
      'an audit failure: Reason and ScreenShot default',
      () => AuditPush.parse({ ToUserName: 'gh_1', CreateTime: '1', MsgType: 'event', Event: 'weapp_audit_fail' }),
      { ok: { ToUserName: 'gh_1', CreateTime: 1, MsgType: 'event', Event: 'weapp_audit_fail', Reason: '', ScreenShot: '' } },
    ],
    [
      'an audit delay',
      () => AuditPush.parse({ ToUserName: 'gh_1', CreateTime: '1', MsgType: 'event', Event: 'weapp_audit_delay', Reason: 'r', DelayTime: '3' }),
      { ok: { ToUserName: 'gh_1', CreateTime: 1, MsgType: 'event', Event: 'weapp_audit_delay', Reason: 'r', DelayTime: 3 } },
    ],
    [
      'another event as an audit push',
      () => AuditPush.parse({ ToUserName: 'gh_1', CreateTime: '1', MsgType: 'event', Event: 'weapp_audit_other' }),
      refused("✖ Invalid discriminator value. Expected 'weapp_audit_success' | 'weapp_audit_fail' | 'weapp_audit_delay'\n  → at Event"),
    ],
    [
      'a malformed audit failure',
      () => AuditPush.parse({ ToUserName: '', CreateTime: 'x', MsgType: 'event', Event: 'weapp_audit_fail', FailTime: '1.5', Reason: 3 }),
      refused(
        '✖ Too small: expected string to have >=1 characters\n  → at ToUserName\n✖ Invalid input: expected number, received NaN\n  → at CreateTime\n' +
          '✖ Invalid input: expected string, received number\n  → at Reason\n✖ Invalid input: expected int, received number\n  → at FailTime',
      ),
    ],
    [
      'any message to the message-event URL, unknown fields kept',
      () => AuthorizerPushBase.parse({ ToUserName: 'gh_1', CreateTime: '5', MsgType: 'text', Content: 'hi' }),
      { ok: { ToUserName: 'gh_1', CreateTime: 5, MsgType: 'text', Content: 'hi' } },
    ],
    [
      'an Event that is not a string',
      () => AuthorizerPushBase.parse({ ToUserName: 'gh_1', CreateTime: '5', MsgType: 'event', Event: 7 }),
      refused('✖ Invalid input: expected string, received number\n  → at Event'),
    ],
  ])('%s', async (_, parse, expected) => {
    expect(await answerOf(parse)).toEqual(expected);
  });

  it('refuses a push without AppId, CreateTime or InfoType, and a negative CreateTime', () => {
    expect(ComponentPushBase.safeParse({ CreateTime: '' }).success).toBe(false);
    expect(ComponentPushBase.safeParse({ AppId: COMPONENT, CreateTime: '-1', InfoType: 'x' }).success).toBe(false);
    expect(ComponentPushBase.parse({ AppId: COMPONENT, CreateTime: '0', InfoType: 'x', More: 1 })).toEqual({ AppId: COMPONENT, CreateTime: 0, InfoType: 'x', More: 1 });
  });
});

describe('environment (zod/mini)', () => {
  const required = { TABLE_NAME: 't', WECHAT_COMPONENT_APPID: COMPONENT };

  it('fills the same defaults', () => {
    expect(loadConfig(required)).toEqual({
      ...required,
      WECHAT_API_BASE: 'https://api.weixin.qq.com',
      WECHAT_API_TIMEOUT_MS: 5000,
      PUSH_MAX_AGE_SECONDS: 600,
      HEALTH_TICKET_MAX_AGE_SECONDS: 1800,
      HEALTH_REFRESHER_MAX_AGE_SECONDS: 900,
      HEALTH_RELEASE_MAX_AGE_SECONDS: 259200,
      WECHAT_MP_BASE: 'https://mp.weixin.qq.com',
      WECHAT_OPEN_BASE: 'https://open.weixin.qq.com',
      REFRESH_CONCURRENCY: 20,
      PAYMENT_SECRET_PREFIX: 'weapp-fleet/payment/',
      RELEASE_INLINE_TARGETS_MAX: 2000,
      AWS_REGION: 'ap-east-1',
    });
  });

  it('coerces numbers and keeps what is set, an empty prefix included', () => {
    expect(
      loadConfig({ ...required, WECHAT_API_TIMEOUT_MS: '100', REFRESH_CONCURRENCY: '200', PUBLIC_BASE_URL: 'http://localhost:3000', TOKEN_KEY_ARN: 'arn:aws:kms:x', PAYMENT_SECRET_PREFIX: '' }),
    ).toMatchObject({ WECHAT_API_TIMEOUT_MS: 100, REFRESH_CONCURRENCY: 200, PUBLIC_BASE_URL: 'http://localhost:3000', TOKEN_KEY_ARN: 'arn:aws:kms:x', PAYMENT_SECRET_PREFIX: '' });
  });

  it('names every invalid variable, and no value', () => {
    const load = () =>
      loadConfig({ TABLE_NAME: '', WECHAT_API_BASE: 'not a url', WECHAT_API_TIMEOUT_MS: '0', REFRESH_CONCURRENCY: '201', TOKEN_KEY_ARN: 'kms', PUSH_MAX_AGE_SECONDS: '1.5', COMPONENT_SECRET_ARN: '' });
    expect(load).toThrow(ConfigurationError);
    expect(load).toThrow(
      'invalid environment: TABLE_NAME, WECHAT_API_BASE, WECHAT_API_TIMEOUT_MS, WECHAT_COMPONENT_APPID, COMPONENT_SECRET_ARN, PUSH_MAX_AGE_SECONDS, REFRESH_CONCURRENCY, TOKEN_KEY_ARN',
    );
    expect(() => loadConfig({ ...required, REFRESH_CONCURRENCY: '0' })).toThrow('invalid environment: REFRESH_CONCURRENCY');
  });
});
