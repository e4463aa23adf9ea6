import { componentCredentials, type ComponentCredentials } from '../wechat/component-credentials';
import { TemplateApi } from '../wechat/weapp';
import { MiniProgramService } from '../weapp/mini-program-service';
import { authorizerAccessTokens, componentAccessToken } from './component-services';
import { onceFor } from './process-scope';
import { auditStore } from './stores/audit';
import { quotaStore } from './stores/quota';
import { wechatClient } from './wechat-client';

/** Calls on an authorized mini program's behalf (code, audits, domains, privacy). */
export async function miniProgramService(credentials?: ComponentCredentials): Promise<MiniProgramService> {
  const current = credentials ?? (await componentCredentials());
  const tokens = await authorizerAccessTokens(current);
  return onceFor(miniProgramService, current, () => new MiniProgramService({ client: wechatClient(), tokens, quotas: quotaStore(), audits: auditStore() }));
}

/** The component's code templates (drafts, template library). */
export async function templateApi(credentials?: ComponentCredentials): Promise<TemplateApi> {
  const current = credentials ?? (await componentCredentials());
  const token = await componentAccessToken(current);
  return onceFor(templateApi, current, () => new TemplateApi(wechatClient(), token));
}
