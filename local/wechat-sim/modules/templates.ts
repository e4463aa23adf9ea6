import { z } from 'zod';
import type { SimDraft, SimState, SimTemplate } from '../state';
import { ok, wechatError, type SimModule, type SimRouteHandler, type SimResponse, type SimRequest } from '../types';
import { componentTokenError, formatError, isObject, numericId, parseBody } from './weapp-api';

const AddToTemplateRequest = z.object({ draft_id: numericId.optional(), template_type: numericId.optional() });
const DeleteTemplateRequest = z.object({ template_id: numericId.optional() });

/** Who uploaded the drafts: the platform's own development mini program, as WeChat reports it. */
const SOURCE = { source_miniprogram_appid: 'wxd0000000000000de', source_miniprogram: 'Platform development mini program', developer: 'sim-developer' };

const draftJson = (d: SimDraft) => ({ create_time: d.createTime, user_version: d.userVersion, user_desc: d.userDesc, draft_id: d.draftId, ...SOURCE });
const templateJson = (t: SimTemplate) => ({
  create_time: t.createTime,
  user_version: t.userVersion,
  user_desc: t.userDesc,
  template_id: t.templateId,
  template_type: t.templateType,
  draft_id: t.draftId,
  ...SOURCE,
});

/** Component-token APIs check the token first (41001/40001/42001), then a POST's JSON body (47001). */
function componentApi(state: SimState, handler: (request: SimRequest, body: Record<string, unknown>) => SimResponse): SimRouteHandler {
  return (request) => {
    const tokenError = componentTokenError(state, request.token);
    if (tokenError) return tokenError;
    if (request.method === 'POST' && !isObject(request.body)) return formatError();
    return handler(request, isObject(request.body) ? request.body : {});
  };
}

/**
 * The platform's code template library (component token): drafts uploaded from WeChat DevTools
 * become templates that every authorized mini program can `commit`. The library is capped
 * (`templateLibraryLimit`, 100 at the time of writing).
 */
export function templatesModule(state: SimState): SimModule {
  return {
    routes: {
      'GET /wxa/gettemplatedraftlist': componentApi(state, () => ok({ draft_list: state.drafts.map(draftJson) })),

      'POST /wxa/addtotemplate': componentApi(state, (_, body) => {
        const request = parseBody(AddToTemplateRequest, body);
        if (!request) return formatError();
        const templateType = request.template_type ?? 0;
        if (templateType !== 0 && templateType !== 1) return wechatError(40097, 'invalid args: template_type must be 0 or 1');
        const draft = state.drafts.find((d) => d.draftId === request.draft_id);
        if (!draft) return wechatError(85064, 'draft not found');
        if (state.templates.length >= state.options.templateLibraryLimit) return wechatError(85065, 'template library is full');
        state.templates.push({ ...draft, pages: [...draft.pages], templateId: state.nextTemplateId(), templateType, createTime: Math.floor(state.now() / 1000) });
        return ok();
      }),

      'GET /wxa/gettemplatelist': componentApi(state, (request) => {
        const { template_type: type } = request.query;
        if (type !== undefined && type !== '0' && type !== '1') return wechatError(40097, 'invalid args: template_type must be 0 or 1');
        const list = type === undefined ? state.templates : state.templates.filter((t) => t.templateType === Number(type));
        return ok({ template_list: list.map(templateJson) });
      }),

      'POST /wxa/deletetemplate': componentApi(state, (_, body) => {
        const request = parseBody(DeleteTemplateRequest, body);
        if (!request) return formatError();
        const index = state.templates.findIndex((t) => t.templateId === request.template_id);
        if (index < 0) return wechatError(85064, 'template not found');
        state.templates.splice(index, 1);
        return ok();
      }),
    },
  };
}
