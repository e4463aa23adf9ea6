import { z } from 'zod';
import type { WeChatClient } from './client';
import type { ComponentCredentials } from './component-credentials';
import { ENDPOINTS } from './endpoints';

export const ComponentTokenResponse = z.object({
  component_access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
});
export type ComponentTokenResponse = z.infer<typeof ComponentTokenResponse>;

const EmptyResponse = z.object({}).loose();

/**
 * Component-level APIs that need no component_access_token: obtaining that token, and asking
 * WeChat to push a fresh verify ticket.
 */
export class ComponentAuthApi {
  constructor(
    private readonly client: WeChatClient,
    private readonly credentials: ComponentCredentials,
  ) {}

  /** `api_component_token`. Rate-limited per day by WeChat: callers share one token. */
  requestComponentAccessToken(verifyTicket: string): Promise<ComponentTokenResponse> {
    return this.client.call(ENDPOINTS.componentToken, {
      body: {
        component_appid: this.credentials.appId,
        component_appsecret: this.credentials.appSecret,
        component_verify_ticket: verifyTicket,
      },
      schema: ComponentTokenResponse,
    });
  }

  /** `api_start_push_ticket`: WeChat pushes a new ticket to the authorization-event URL. */
  async startPushTicket(): Promise<void> {
    await this.client.call(ENDPOINTS.startPushTicket, {
      body: { component_appid: this.credentials.appId, component_secret: this.credentials.appSecret },
      schema: EmptyResponse,
    });
  }
}
