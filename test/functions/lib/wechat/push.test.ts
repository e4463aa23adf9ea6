import { BadRequestError, PayloadTooLargeError, SignatureError } from '../../../../functions/lib/errors';
import { WeChatMessageCrypto } from '../../../../functions/lib/wechat/crypto';
import { MAX_PUSH_BYTES, openPush } from '../../../../functions/lib/wechat/push';
import { generateCredentials } from '../../../../local/settings';
import { apiEvent } from '../../../helpers/api-event';
import { signedPush, ticketXml, type SignedPush } from '../../../helpers/push';

describe('Function: openPush', () => {
  const g = generateCredentials();
  const component = { appId: g.componentAppId, appSecret: g.componentSecret, token: g.componentToken, aesKey: g.componentAesKey };
  const crypto = new WeChatMessageCrypto({ token: component.token, encodingAesKey: component.aesKey, appId: component.appId });
  const now = Date.UTC(2026, 0, 15, 8, 0, 0);
  const timestamp = String(now / 1000);
  const inner = ticketXml(component.appId, 'ticket@@@opened', now / 1000);
  const event = ({ query, body }: SignedPush, contentType = 'text/xml') =>
    apiEvent('POST /wechat/component/events', { rawPath: '/wechat/component/events', query, body, contentType });
  const open = (push: SignedPush, options: { contentType?: string; now?: number } = {}) =>
    openPush(event(push, options.contentType), crypto, { maxAgeSeconds: 300, now: options.now ?? now });
  /** The error `run` throws, checked to be an instance of `type`. */
  const thrown = <E extends Error>(run: () => unknown, type: abstract new (...args: never[]) => E): E => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(type);
      return error as E;
    }
    throw new Error('expected openPush to throw');
  };

  it('verifies and decrypts a push, answering the inner document with every value a string', () => {
    expect(open(signedPush(component, inner, { timestamp }))).toEqual({
      AppId: component.appId,
      CreateTime: String(now / 1000),
      InfoType: 'component_verify_ticket',
      ComponentVerifyTicket: 'ticket@@@opened',
    });
  });

  it('opens a body the gateway passed base64-encoded', () => {
    expect(open(signedPush(component, inner, { timestamp }), { contentType: 'application/octet-stream' })).toMatchObject({ ComponentVerifyTicket: 'ticket@@@opened' });
  });

  it.each([
    ['without msg_signature', (q: URLSearchParams) => q.delete('msg_signature')],
    ['with a timestamp that is not a number', (q: URLSearchParams) => q.set('timestamp', 'yesterday')],
    ['without a nonce', (q: URLSearchParams) => q.delete('nonce')],
  ])('refuses a query %s as a bad signature', (_, edit) => {
    const push = signedPush(component, inner, { timestamp });
    const query = new URLSearchParams(push.query);
    edit(query);
    expect(thrown(() => open({ ...push, query: query.toString() }), SignatureError)).toMatchObject({ check: 'signature' });
  });

  it('refuses a timestamp more than maxAgeSeconds from now, either way, before any decryption', () => {
    const push = signedPush(component, inner, { timestamp });
    expect(open(push, { now: now + 300_000 })).toBeDefined();
    expect(thrown(() => open(push, { now: now + 301_000 }), SignatureError)).toMatchObject({ check: 'timestamp' });
    expect(thrown(() => open(push, { now: now - 301_000 }), SignatureError)).toMatchObject({ check: 'timestamp' });
  });

  it('refuses a push signed with another token', () => {
    const other = generateCredentials();
    const push = signedPush({ ...component, token: other.componentToken }, inner, { timestamp });
    thrown(() => open(push), SignatureError);
  });

  it('refuses a push sealed for another appid', () => {
    const push = signedPush(component, inner, { timestamp, appId: 'wx0000000000000000' });
    expect(thrown(() => open(push), SignatureError)).toMatchObject({ check: 'appid' });
  });

  it('refuses an envelope without Encrypt as malformed', () => {
    const push = signedPush(component, inner, { timestamp });
    expect(thrown(() => open({ ...push, body: `<xml><AppId><![CDATA[${component.appId}]]></AppId></xml>` }), BadRequestError)).toMatchObject({ code: 'malformed_push' });
  });

  it('refuses a body over MAX_PUSH_BYTES before reading it', () => {
    const push = signedPush(component, inner, { timestamp });
    const body = `${push.body}<!--${'x'.repeat(MAX_PUSH_BYTES)}-->`;
    thrown(() => open({ ...push, body }), PayloadTooLargeError);
  });
});
