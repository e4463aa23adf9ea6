import type { SimApp, SimDraft, SimDraftSeed } from '../state';
import { json, type SimModule } from '../types';
import { control, SimControlError } from './merchant-console';

/** What the control endpoints need from the simulator (kept narrow to avoid an import cycle). */
export interface WeappControls {
  app(appId: string): SimApp;
  addDraft(draft: SimDraftSeed): SimDraft;
  completeAudits(): Promise<void>;
  setAuthorizerEventsUrl(url: string): void;
}


const field = (body: unknown, name: string): unknown => (typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined);

/**
 * /sim/ endpoints for a running simulator (`npm start`): look at a mini program's state, add a
 * draft, finish the audits now, and point authorizer events somewhere. Same as the in-process
 * methods on WeChatSimulator.
 */
export function weappControlModule(sim: WeappControls): SimModule {
  return {
    routes: {
      'GET /sim/apps/:appId': ({ params }) => control(() => json(sim.app(params.appId!))),
      'POST /sim/drafts': ({ body }) =>
        control(() => {
          const userVersion = field(body, 'userVersion');
          const userDesc = field(body, 'userDesc') ?? '';
          const pages = field(body, 'pages');
          if (typeof userVersion !== 'string' || !userVersion || typeof userDesc !== 'string') throw new SimControlError(400, 'userVersion (string) is required');
          if (pages !== undefined && (!Array.isArray(pages) || !pages.every((p) => typeof p === 'string'))) throw new SimControlError(400, 'pages must be a list of strings');
          return json(sim.addDraft({ userVersion, userDesc, ...(pages ? { pages: pages as string[] } : {}) }));
        }),
      'POST /sim/audits/complete': () =>
        control(async () => {
          await sim.completeAudits();
          return json({ completed: true });
        }),
      'POST /sim/authorizer-events-url': ({ body }) =>
        control(() => {
          const url = field(body, 'url');
          if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new SimControlError(400, 'url must be an http(s) URL, $APPID$ is replaced per mini program');
          sim.setAuthorizerEventsUrl(url);
          return json({ url });
        }),
    },
  };
}
