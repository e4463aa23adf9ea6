import * as classic from 'zod';
import { httpErrorHandler } from '../../../../functions/lib/http/error-handler';
import { pushRejectionReason } from '../../../../functions/lib/observability/push-signals';
import { VerifyTicketPush } from '../../../../functions/lib/wechat/component-push';

/**
 * The callbacks' schemas are zod/mini, the admin API's classic zod; both throw zod's core
 * $ZodError, which is what the error handler and the push signals recognise.
 */
describe('errors of either zod build', () => {
  it('counts a push refused by a zod/mini schema, or by a classic one, as malformed', () => {
    const mini = VerifyTicketPush.safeParse({});
    const classicError = classic.object({ a: classic.string() }).safeParse({});
    expect(mini.success || classicError.success).toBe(false);
    expect(pushRejectionReason(mini.error)).toBe('malformed');
    expect(pushRejectionReason(classicError.error)).toBe('malformed');
  });

  it.each([
    ['a classic schema (the admin API)', () => classic.object({ name: classic.string().min(2) }).parse({ name: 'x' })],
    ['a zod/mini schema (the callbacks)', () => VerifyTicketPush.parse({ AppId: 'wx1', CreateTime: '1', InfoType: 'component_verify_ticket', ComponentVerifyTicket: 'x'.repeat(513) })],
  ])('answers a refusal by %s with 400 invalid_request and zod\'s English message', async (_, parse) => {
    let thrown: unknown;
    try {
      parse();
    } catch (error) {
      thrown = error;
    }
    const request = { error: thrown } as unknown as Parameters<NonNullable<ReturnType<typeof httpErrorHandler>['onError']>>[0];
    await httpErrorHandler().onError!(request);
    expect(request.response).toMatchObject({ statusCode: 400 });
    expect(JSON.parse(request.response!.body as string)).toEqual({
      code: 'invalid_request',
      message: expect.stringMatching(/^✖ Too (small: expected string to have >=2 characters\n  → at name|big: expected string to have <=512 characters\n  → at ComponentVerifyTicket)$/),
    });
  });
});
