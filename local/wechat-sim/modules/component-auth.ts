import { z } from 'zod';
import type { SimState } from '../state';
import { ok, wechatError, type SimModule } from '../types';

const ComponentTokenRequest = z.object({
  component_appid: z.string().optional(),
  component_appsecret: z.string().optional(),
  component_verify_ticket: z.string().optional(),
});

const StartPushTicketRequest = z.object({ component_appid: z.string().optional(), component_secret: z.string().optional() });

/**
 * `api_component_token` and `api_start_push_ticket`, checked the way WeChat checks them:
 * missing fields, wrong appid or secret, unknown or expired ticket, daily quota.
 */
export function componentAuthModule(state: SimState, pushTicketNow: () => void): SimModule {
  const { component } = state.options;
  return {
    routes: {
      'POST /cgi-bin/component/api_component_token': ({ body }) => {
        const request = ComponentTokenRequest.safeParse(body ?? {});
        if (!request.success) return wechatError(47001, 'data format error');
        const { component_appid: appId, component_appsecret: secret, component_verify_ticket: ticket } = request.data;
        if (!appId) return wechatError(41002, 'appid missing');
        if (appId !== component.appId) return wechatError(40013, 'invalid appid');
        if (!secret) return wechatError(41004, 'appsecret missing');
        if (secret !== component.appSecret) return wechatError(40125, 'invalid appsecret');
        if (!ticket) return wechatError(61006, 'component ticket is invalid');
        const issued = state.tickets.get(ticket);
        if (!issued) return wechatError(61006, 'component ticket is invalid');
        if (issued.expiresAt <= state.now()) return wechatError(61005, 'component ticket is expired');
        if (!state.useQuota('api_component_token', state.options.componentTokenDailyQuota)) {
          return wechatError(45009, 'reach max api daily quota limit');
        }
        const { token, expiresIn } = state.issueComponentToken();
        // The real answer carries no errcode on success.
        return { json: { component_access_token: token, expires_in: expiresIn } };
      },
      'POST /cgi-bin/component/api_start_push_ticket': ({ body }) => {
        const request = StartPushTicketRequest.safeParse(body ?? {});
        if (!request.success) return wechatError(47001, 'data format error');
        if (request.data.component_appid !== component.appId) return wechatError(40013, 'invalid appid');
        if (request.data.component_secret !== component.appSecret) return wechatError(40125, 'invalid appsecret');
        pushTicketNow();
        return ok();
      },
    },
  };
}
