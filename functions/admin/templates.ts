import { implement } from '../lib/http/api-route';
import { serveRoutes } from '../lib/http/serve-routes';
import { enableTokenKey } from '../lib/composition/token-key';
import { templateApi } from '../lib/composition/weapp-services';
import { TEMPLATE_ROUTES as R } from './weapp/contract';
import { configuredTokenKey } from '../lib/crypto-at-rest/configured-key';

// This function uses merchant tokens (manifest `tokenKey`), so it takes the token key.
enableTokenKey(configuredTokenKey);

const templates = () => templateApi();
const TEMPLATE_TYPE = { normal: 0, standard: 1 } as const;

/** `/admin/templates…`: the platform's code template library (component token). */
export const handler = serveRoutes([
  implement(R.listDrafts, async () => ({ drafts: (await (await templates()).getTemplateDraftList()).draft_list })),
  implement(R.listTemplates, async ({ query }) => ({ templates: (await (await templates()).getTemplateList(query.type ? TEMPLATE_TYPE[query.type] : undefined)).template_list })),
  implement(R.addTemplate, async ({ body }) => {
    await (await templates()).addToTemplate(body.draftId, TEMPLATE_TYPE[body.templateType]);
    return { ok: true as const };
  }),
  implement(R.deleteTemplate, async ({ params }) => {
    await (await templates()).deleteTemplate(params.templateId);
    return { ok: true as const };
  }),
]);
